import ShopLookCore
import Testing
import ShopLookImaging

@Suite("Foreground trim")
struct ForegroundTrimTests {
    static let noMargin = ForegroundTrimOptions(marginFraction: 0, minimumMargin: 0)

    /// A white canvas with a coloured rectangle, optionally JPEG round-tripped.
    static func product(width: Int = 300, height: Int = 400, rect: PixelRect, jpeg: Bool) throws -> RGBImage {
        let image = TestImages.make(width: width, height: height) { x, y in
            let inside = x >= rect.minX && x < rect.maxX && y >= rect.minY && y < rect.maxY
            // A soft shadow strip under the product, light enough to be ignored.
            let shadow = !inside && y >= rect.maxY && y < rect.maxY + 6 && x >= rect.minX && x < rect.maxX
            return inside ? RGBColor(r: 40, g: 90, b: 160) : (shadow ? RGBColor(gray: 236) : RGBColor(gray: 252))
        }
        return jpeg ? try JPEGDecoder().decode(TestImages.jpeg(image, quality: 85, subsampling: .yuv420)) : image
    }

    static func within(_ found: PixelRect, _ truth: PixelRect, tolerance: Int) -> Bool {
        abs(found.minX - truth.minX) <= tolerance && abs(found.minY - truth.minY) <= tolerance
            && abs(found.maxX - truth.maxX) <= tolerance && abs(found.maxY - truth.maxY) <= tolerance
    }

    @Test(arguments: [false, true])
    func findsAColouredRectangleOnWhite(jpeg: Bool) throws {
        let truth = PixelRect(x: 70, y: 90, width: 150, height: 210)
        let image = try Self.product(rect: truth, jpeg: jpeg)
        let result = image.foregroundTrim(options: Self.noMargin)
        #expect(result.outcome == .trimmed)
        #expect(Self.within(result.box, truth, tolerance: 2), "found \(result.box), truth \(truth)")
        let background = try #require(result.background)
        #expect(abs(Int(background.r) - 252) <= 3)

        // Default options add a margin of 2% of the longer side (here 4 px).
        let padded = image.foregroundTrim()
        #expect(Self.within(padded.box, truth.expanded(by: 4), tolerance: 2), "found \(padded.box)")
        let (crop, cropResult) = image.trimmedToForeground()
        #expect(crop.size == cropResult.box.size)
    }

    @Test func productTouchingTheBottomEdgeStillTrims() throws {
        let truth = PixelRect(x: 100, y: 150, width: 120, height: 250) // runs off the bottom
        let image = try Self.product(rect: truth, jpeg: true)
        let result = image.foregroundTrim(options: Self.noMargin)
        #expect(result.outcome == .trimmed)
        #expect(Self.within(result.box, truth, tolerance: 2), "found \(result.box)")
    }

    @Test func largeImagesAreAnalysedReducedAndMappedBack() throws {
        let truth = PixelRect(x: 401, y: 603, width: 777, height: 901)
        let image = try Self.product(width: 1600, height: 2000, rect: truth, jpeg: false)
        let result = image.foregroundTrim(options: ForegroundTrimOptions(marginFraction: 0, minimumMargin: 0, analysisMaxSide: 500))
        #expect(result.outcome == .trimmed)
        // Rounded outward by about one analysis pixel (4 px here), never inward.
        #expect(result.box.minX <= truth.minX && result.box.minY <= truth.minY)
        #expect(result.box.maxX >= truth.maxX && result.box.maxY >= truth.maxY)
        #expect(Self.within(result.box, truth, tolerance: 10), "found \(result.box)")
    }

    @Test func specksAreIgnored() {
        var image = TestImages.make(width: 200, height: 200) { x, y in
            (60..<140).contains(x) && (50..<150).contains(y) ? TestImages.red : .white
        }
        image[10, 180] = .black            // isolated dust pixel
        image[190, 20] = .black
        for x in 0..<200 { image[x, 190] = RGBColor(gray: 120) } // a 1-pixel hairline
        let result = image.foregroundTrim(options: Self.noMargin)
        #expect(result.box == PixelRect(x: 60, y: 50, width: 80, height: 100))
    }

    @Test func noiseReturnsTheWholeImage() {
        var rng = SplitMix64(seed: 5)
        let noise = TestImages.make(width: 120, height: 90) { _, _ in
            RGBColor(r: .random(in: 0...255, using: &rng), g: .random(in: 0...255, using: &rng), b: .random(in: 0...255, using: &rng))
        }
        let result = noise.foregroundTrim()
        #expect(result.outcome == .nonUniformBackground)
        #expect(result.box == noise.bounds)
        #expect(noise.trimmedToForeground().image == noise)
    }

    @Test func sceneWithUniformSkyOnlyReturnsTheWholeImage() {
        // Uniform top (sky), textured everywhere else: only one uniform side.
        let scene = TestImages.make(width: 160, height: 120) { x, y in
            y < 40 ? RGBColor(r: 140, g: 190, b: 240) : RGBColor(r: UInt8((x * 7 + y * 13) % 256), g: UInt8((x * 3) % 256), b: 60)
        }
        #expect(scene.foregroundTrim().outcome == .nonUniformBackground)
    }

    @Test func plainImageHasNoForeground() throws {
        let plain = try RGBImage(width: 50, height: 40, fill: RGBColor(gray: 245))
        let result = plain.foregroundTrim()
        #expect(result.outcome == .noForeground && result.box == plain.bounds)
        let tiny = try RGBImage(width: 3, height: 3, fill: .white)
        #expect(tiny.foregroundTrim().outcome == .imageTooSmall)
    }

    @Test func darkBackgroundsWorkToo() {
        let image = TestImages.make(width: 100, height: 80) { x, y in
            (20..<50).contains(x) && (10..<70).contains(y) ? RGBColor(r: 250, g: 250, b: 200) : RGBColor(gray: 15)
        }
        #expect(image.foregroundTrim(options: Self.noMargin).box == PixelRect(x: 20, y: 10, width: 30, height: 60))
    }
}
