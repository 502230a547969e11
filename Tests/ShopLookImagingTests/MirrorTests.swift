import Testing
@testable import ShopLookImaging

@Suite("RGBImage mirroredHorizontally")
struct MirrorTests {
    @Test("column x becomes column width − 1 − x; twice gives the original")
    func mirror() throws {
        let pixels = (0..<(5 * 3 * 3)).map { UInt8($0) }
        let image = try RGBImage(width: 5, height: 3, pixels: pixels)
        let mirrored = image.mirroredHorizontally()
        #expect(mirrored.width == 5 && mirrored.height == 3)
        for y in 0..<3 { for x in 0..<5 { #expect(mirrored[x, y] == image[4 - x, y]) } }
        #expect(mirrored != image)
        #expect(mirrored.mirroredHorizontally() == image)
    }
}
