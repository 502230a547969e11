import ShopLookCore
import Testing
@testable import ShopLookImaging

@Suite("Crop and resize")
struct GeometryTests {
    @Test func areaResizeOfCheckerGivesTheMean() throws {
        let checker = TestImages.make(width: 2, height: 2) { x, y in (x + y) % 2 == 0 ? .white : .black }
        let one = try checker.resized(width: 1, height: 1, filter: .area)
        #expect(one[0, 0] == RGBColor(gray: 128)) // 127.5 rounds half up
        let colored = TestImages.make(width: 2, height: 2) { x, y in
            [RGBColor(r: 10, g: 20, b: 30), RGBColor(r: 50, g: 60, b: 70), RGBColor(r: 90, g: 100, b: 110), RGBColor(r: 130, g: 140, b: 150)][y * 2 + x]
        }
        #expect(try colored.resized(width: 1, height: 1, filter: .area)[0, 0] == RGBColor(r: 70, g: 80, b: 90))
    }

    @Test func areaResizeAveragesLargeFactorsInsteadOfSampling() throws {
        // A 1-pixel checkerboard shrunk 8× must become flat grey, not black or white.
        let checker = TestImages.make(width: 64, height: 48) { x, y in (x + y) % 2 == 0 ? .white : .black }
        let small = try checker.resized(width: 8, height: 6, filter: .area)
        for y in 0..<6 { for x in 0..<8 { #expect(abs(Int(small[x, y].r) - 128) <= 1) } }
        // Non-integer factor: 3×3 block averages of a 9×9 ramp → 3×3, exact block means.
        let ramp = TestImages.make(width: 9, height: 9) { x, _ in RGBColor(gray: UInt8(x * 10)) }
        let third = try ramp.resized(width: 3, height: 3, filter: .area)
        #expect((0..<3).map { third[$0, 1].r } == [10, 40, 70])
        // 5 → 2: output 0 covers source [0, 2.5): weights 1, 1, 0.5 over values 0, 10, 20.
        let five = TestImages.make(width: 5, height: 1) { x, _ in RGBColor(gray: UInt8(x * 10)) }
        let two = try five.resized(width: 2, height: 1, filter: .area)
        #expect(two[0, 0].r == 8 && two[1, 0].r == 32) // (0+10+10)/2.5 = 8, (10+30+40)/2.5 = 32
        // `.automatic` picks area for a ≥ 2× shrink.
        #expect(try checker.resized(width: 8, height: 6, filter: .automatic) == small)
    }

    /// Bilinear with half-pixel centres, straight from the definition (double precision), on a region.
    static func referenceBilinear(_ image: RGBImage, region: PixelRect, to size: ImageSize) -> [UInt8] {
        func position(_ d: Int, _ length: Int, _ outLength: Int) -> (Int, Int, Double) {
            let s = min(max((Double(d) + 0.5) * Double(length) / Double(outLength) - 0.5, 0), Double(length - 1))
            let i0 = Int(s)
            return (i0, min(i0 + 1, length - 1), s - Double(i0))
        }
        var out: [UInt8] = []
        for dy in 0..<size.height {
            let (y0, y1, fy) = position(dy, region.height, size.height)
            for dx in 0..<size.width {
                let (x0, x1, fx) = position(dx, region.width, size.width)
                let p00 = image[region.x + x0, region.y + y0], p10 = image[region.x + x1, region.y + y0]
                let p01 = image[region.x + x0, region.y + y1], p11 = image[region.x + x1, region.y + y1]
                for (a, b, c, d) in [(p00.r, p10.r, p01.r, p11.r), (p00.g, p10.g, p01.g, p11.g), (p00.b, p10.b, p01.b, p11.b)] {
                    let top = Double(a) * (1 - fx) + Double(b) * fx
                    let bottom = Double(c) * (1 - fx) + Double(d) * fx
                    out.append(UInt8(min(top * (1 - fy) + bottom * fy + 0.5, 255)))
                }
            }
        }
        return out
    }

    @Test func bilinearAndAreaOfARegionMatchTheirDefinitions() throws {
        var generator = SplitMix64(seed: 11)
        let noise = TestImages.make(width: 97, height: 61) { _, _ in
            RGBColor(r: UInt8.random(in: 0...255, using: &generator), g: UInt8.random(in: 0...255, using: &generator),
                     b: UInt8.random(in: 0...255, using: &generator))
        }
        let region = PixelRect(x: 13, y: 7, width: 71, height: 45)
        for size in [ImageSize(width: 31, height: 17), ImageSize(width: 150, height: 90), ImageSize(width: 1, height: 45)] {
            let resized = try noise.cropped(to: region, resizedTo: size, filter: .bilinear)
            let reference = Self.referenceBilinear(noise, region: region, to: size)
            let pixels = (0..<size.height).flatMap { y in
                (0..<size.width).flatMap { x in [resized[x, y].r, resized[x, y].g, resized[x, y].b] }
            }
            // Float against double: a value may round the other way at .5.
            #expect(zip(pixels, reference).allSatisfy { abs(Int($0) - Int($1)) <= 1 })
        }
        // Area on a region: the mean of each exact 3×3 block (71×45 → 23.67×15: use a 69×45 region instead).
        let blocks = PixelRect(x: 5, y: 3, width: 69, height: 45)
        let small = try noise.cropped(to: blocks, resizedTo: ImageSize(width: 23, height: 15), filter: .area)
        for y in 0..<15 {
            for x in 0..<23 {
                var sum = 0
                for j in 0..<3 { for i in 0..<3 { sum += Int(noise[blocks.x + 3 * x + i, blocks.y + 3 * y + j].g) } }
                #expect(abs(Int(small[x, y].g) - Int((Double(sum) / 9).rounded())) <= 1)
            }
        }
    }

    @Test func bilinearOfAGradientStaysAGradient() throws {
        let gradient = TestImages.make(width: 256, height: 4) { x, _ in RGBColor(gray: UInt8(x)) }
        let down = try gradient.resized(width: 64, height: 4, filter: .bilinear)
        // Output pixel centre x maps to source (x + 0.5) * 4 - 0.5 = 4x + 1.5.
        for x in 0..<64 {
            #expect(abs(Double(down[x, 2].r) - (4 * Double(x) + 1.5)) <= 0.5 + 1e-9)
        }
        let up = try gradient.resized(width: 512, height: 8, filter: .bilinear)
        var previous = 0
        for x in 0..<512 {
            let value = Int(up[x, 3].g)
            #expect(value >= previous && value - previous <= 1)
            previous = value
        }
        #expect(up[0, 0].r == 0 && up[511, 7].r == 255)
    }

    @Test func sameSizeResizeIsIdentity() throws {
        let image = TestImages.photoLike(width: 31, height: 17)
        #expect(try image.resized(width: 31, height: 17, filter: .bilinear) == image)
        #expect(try image.resized(width: 31, height: 17, filter: .area) == image)
    }

    @Test func resizeRejectsBadSizes() {
        let image = TestImages.photoLike(width: 8, height: 8)
        #expect(throws: ImageError.self) { try image.resized(width: 0, height: 4) }
        #expect(throws: ImageError.self) { try image.resized(width: 4, height: -1, filter: .area) }
        #expect(throws: ImageError.self) { try image.resized(shorterSide: 0) }
    }

    @Test func resizedShorterSidePreservesAspect() throws {
        let image = TestImages.photoLike(width: 400, height: 300)
        #expect(try image.resized(shorterSide: 150).size == ImageSize(width: 200, height: 150))
        let tall = TestImages.photoLike(width: 300, height: 401)
        #expect(try tall.resized(shorterSide: 150, filter: .area).size == ImageSize(width: 150, height: 201))
    }

    @Test func cropCopiesTheRegionAndClamps() throws {
        let image = TestImages.make(width: 10, height: 8) { x, y in RGBColor(r: UInt8(x), g: UInt8(y), b: 0) }
        let crop = try image.cropped(to: PixelRect(x: 2, y: 3, width: 4, height: 2))
        #expect(crop.size == ImageSize(width: 4, height: 2))
        #expect(crop[0, 0] == RGBColor(r: 2, g: 3, b: 0) && crop[3, 1] == RGBColor(r: 5, g: 4, b: 0))
        let clamped = try image.cropped(to: PixelRect(x: -5, y: 6, width: 8, height: 100))
        #expect(clamped.size == ImageSize(width: 3, height: 2))
        #expect(clamped[0, 0] == RGBColor(r: 0, g: 6, b: 0))
        #expect(throws: ImageError.self) { try image.cropped(to: PixelRect(x: 10, y: 0, width: 5, height: 5)) }
        #expect(throws: ImageError.self) { try image.cropped(to: PixelRect(x: 2, y: 2, width: 0, height: 5)) }
        #expect(try image.cropped(to: image.bounds.expanded(by: 3)) == image)
    }

    @Test func cropAndResizeInOnePassMatchesTwoSteps() throws {
        let image = TestImages.photoLike(width: 120, height: 90)
        let rect = PixelRect(x: 17, y: 9, width: 64, height: 48)
        for filter in [ResizeFilter.bilinear, .area] {
            let oneStep = try image.cropped(to: rect, resizedTo: ImageSize(width: 32, height: 20), filter: filter)
            let twoSteps = try image.cropped(to: rect).resized(width: 32, height: 20, filter: filter)
            #expect(oneStep == twoSteps)
        }
    }

    @Test func centerCropToAspectRatio() throws {
        let image = TestImages.make(width: 200, height: 100) { x, _ in RGBColor(gray: UInt8(x)) }
        #expect(image.centerCropRect(aspectRatio: 1) == PixelRect(x: 50, y: 0, width: 100, height: 100))
        #expect(image.centerCropRect(aspectRatio: 4) == PixelRect(x: 0, y: 25, width: 200, height: 50))
        #expect(image.centerCropRect(aspectRatio: 2) == image.bounds)
        let square = try image.centerCropped(aspectRatio: 1)
        #expect(square.size == ImageSize(width: 100, height: 100) && square[0, 0].r == 50)
        let thumb = try image.centerCropped(resizedTo: ImageSize(width: 50, height: 50), filter: .area)
        #expect(thumb.size == ImageSize(width: 50, height: 50) && abs(Int(thumb[0, 0].r) - 51) <= 1)
        #expect(throws: ImageError.self) { try image.centerCropped(aspectRatio: 0) }
    }

    @Test func imageInitValidates() {
        #expect(throws: ImageError.self) { try RGBImage(width: 2, height: 2, pixels: [1, 2, 3]) }
        #expect(throws: ImageError.self) { try RGBImage(width: 0, height: 2, fill: .white) }
        #expect(throws: ImageError.self) { try RGBImage(width: Int.max / 2, height: 3, fill: .white) }
    }
}
