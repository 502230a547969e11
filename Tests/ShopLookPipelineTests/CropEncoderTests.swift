import ShopLookImaging
import ShopLookPipeline
import Testing

/// How article crops are stored: JPEG within 512 pixels a side, the picture kept.
@Suite struct CropEncoderTests {
    /// A smooth picture (gradients in both directions, a dark square): what scaling should keep.
    func picture(width: Int, height: Int) throws -> RGBImage {
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for y in 0..<height {
            for x in 0..<width {
                let index = (y * width + x) * 3
                let dark = x > width / 4 && x < width / 2 && y > height / 4 && y < height / 2
                pixels[index] = dark ? 20 : UInt8(255 * x / width)
                pixels[index + 1] = dark ? 20 : UInt8(255 * y / height)
                pixels[index + 2] = 128
            }
        }
        return try RGBImage(width: width, height: height, pixels: pixels)
    }

    @Test(arguments: [(400, 533, 384, 512), (1200, 300, 512, 128), (3000, 2000, 512, 341), (300, 200, 300, 200)])
    func cropsFitWithinTheMaximumSideAndKeepTheirPicture(size: (Int, Int, Int, Int)) throws {
        let (width, height, storedWidth, storedHeight) = size
        let image = try picture(width: width, height: height)
        let stored = try JPEGDecoder().decode(try CropEncoder().encode(image))
        #expect(stored.width == storedWidth && stored.height == storedHeight)
        // The same picture at the stored size, up to JPEG's loss: mean difference per channel under 3 of 255.
        let expected = try image.resized(to: ImageSize(width: storedWidth, height: storedHeight), filter: .area)
        let difference = zip(stored.pixels, expected.pixels).map { abs(Int($0) - Int($1)) }.reduce(0, +)
        #expect(Double(difference) / Double(stored.pixels.count) < 3, "mean difference \(Double(difference) / Double(stored.pixels.count))")
    }
}
