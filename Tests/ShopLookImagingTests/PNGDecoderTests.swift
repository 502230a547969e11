import ShopLookCore
import Testing
@testable import ShopLookImaging

@Suite("PNG decoding")
struct PNGDecoderTests {
    let decoder = PNGDecoder()

    func error(_ bytes: [UInt8], decoder: PNGDecoder = PNGDecoder()) -> ImageError? {
        do {
            _ = try decoder.decode(bytes)
            return nil
        } catch {
            return error
        }
    }

    // MARK: Colour types and bit depths

    @Test(arguments: [false, true])
    func rgb8DecodesExactly(interlaced: Bool) throws {
        let original = TestImages.photoLike(width: 37, height: 23)
        let image = try decoder.decode(TestPNGs.rgb(original, interlaced: interlaced))
        #expect(image == original)
    }

    @Test func interlacedAndPlainFilesDiffer() {
        // Guards the interlaced case above: the writer really emitted Adam7 (IHDR byte 28).
        let original = TestImages.photoLike(width: 37, height: 23)
        #expect(TestPNGs.rgb(original)[28] == 0)
        #expect(TestPNGs.rgb(original, interlaced: true)[28] == 1)
    }

    @Test func gray8ExpandsToEqualChannels() throws {
        let levels = (0..<(16 * 9)).map { UInt8(($0 * 37) % 256) }
        let image = try decoder.decode(TestPNGs.encode(width: 16, height: 9, colorType: .gray, samples: levels))
        #expect(image.width == 16 && image.height == 9)
        #expect(image.pixels == levels.flatMap { [$0, $0, $0] })
    }

    @Test func twoBitPaletteExpandsToItsColours() throws {
        let palette = [TestImages.red, TestImages.green, RGBColor(r: 10, g: 20, b: 250), RGBColor(gray: 255)]
        // 5 pixels per row at 2 bits: indices 0 1 2 3 1, padded to two bytes.
        let row: [UInt8] = [0b00_01_10_11, 0b01_00_00_00]
        let png = TestPNGs.encode(width: 5, height: 3, colorType: .palette, bitDepth: 2, palette: palette, samples: row + row + row)
        let image = try decoder.decode(png)
        for y in 0..<3 {
            #expect((0..<5).map { image[$0, y] } == [palette[0], palette[1], palette[2], palette[3], palette[1]])
        }
    }

    @Test func sixteenBitSamplesAreTakenAsSRGB() throws {
        // v·257 is the exact 16-bit form of the 8-bit value v; read as linear light it would come out brighter.
        let values: [UInt8] = [0, 1, 64, 128, 200, 255]
        let samples = values.flatMap { v in [v, v, UInt8(255 - v), UInt8(255 - v), v / 2, v / 2] }
        let rgb = try decoder.decode(TestPNGs.encode(width: 6, height: 1, colorType: .rgb, bitDepth: 16, samples: samples))
        #expect(rgb.pixels == values.flatMap { [$0, 255 - $0, $0 / 2] })

        let gray = try decoder.decode(TestPNGs.encode(width: 6, height: 1, colorType: .gray, bitDepth: 16, samples: values.flatMap { [$0, $0] }))
        #expect(gray.pixels == values.flatMap { [$0, $0, $0] })
    }

    // MARK: Transparency

    @Test func transparentPixelsComeOutWhite() throws {
        // A red product on a fully transparent background, with one half-transparent black pixel.
        let width = 8, height = 6
        var rgba: [UInt8] = []
        for y in 0..<height {
            for x in 0..<width {
                if x == 0 && y == 0 { rgba += [0, 0, 0, 128] }
                else if (2..<6).contains(x) && (2..<4).contains(y) { rgba += [230, 20, 20, 255] }
                else { rgba += [0, 0, 0, 0] }  // transparent black: must not show as black
            }
        }
        let png = TestPNGs.encode(width: width, height: height, colorType: .rgba, samples: rgba)
        let image = try decoder.decode(png)
        #expect(image[7, 5] == .white)
        #expect(image[3, 3] == TestImages.red)
        // 50% black over white, blended on the sRGB values as browsers do: 255 · 127/255 = 127.
        #expect(image[0, 0] == RGBColor(gray: 127))

        let onGray = try PNGDecoder(background: RGBColor(gray: 100)).decode(png)
        #expect(onGray[7, 5] == RGBColor(gray: 100))
        #expect(onGray[3, 3] == TestImages.red)
    }

    @Test func grayAlphaAndPaletteTRNSAreComposited() throws {
        let grayAlpha = TestPNGs.encode(width: 2, height: 1, colorType: .grayAlpha, samples: [40, 255, 40, 0])
        #expect(try decoder.decode(grayAlpha).pixels == [40, 40, 40, 255, 255, 255])

        let palette = [RGBColor(gray: 0), TestImages.green]
        let indexed = TestPNGs.encode(
            width: 2, height: 1, colorType: .palette, palette: palette, transparency: [0], samples: [0, 1])
        #expect(try decoder.decode(indexed).pixels == [255, 255, 255, 20, 200, 40])
    }

    // MARK: Errors and limits

    @Test func truncatedDataIsCorrupt() {
        let png = TestPNGs.rgb(TestImages.photoLike(width: 40, height: 30))
        for length in [8, 20, 40, png.count / 2, png.count - 13] {
            guard case .corruptPNG(let reason) = error(Array(png[0..<length])) else {
                Issue.record("length \(length): expected corruptPNG, got \(String(describing: error(Array(png[0..<length]))))")
                continue
            }
            #expect(!reason.isEmpty)
        }
    }

    @Test func damagedImageDataIsCorruptWithLibpngsMessage() {
        var png = TestPNGs.rgb(TestImages.photoLike(width: 40, height: 30))
        png[png.count - 20] ^= 0xFF  // inside the IDAT payload: zlib's Adler-32 check fails
        #expect(error(png) == .corruptPNG(reason: "IDAT: incorrect data check"))
        #expect(error(png)?.description == "corrupt PNG: IDAT: incorrect data check")
    }

    @Test func signatureFollowedByGarbageIsCorrupt() {
        var rng = SplitMix64(seed: 5)
        let bytes = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + (0..<300).map { _ in UInt8.random(in: 0...255, using: &rng) }
        guard case .corruptPNG = error(bytes) else {
            Issue.record("expected corruptPNG, got \(String(describing: error(bytes)))")
            return
        }
    }

    @Test func hugeDeclaredSizeIsRejectedFromTheHeader() throws {
        // The IDAT holds 40×30 pixels: had decoding started, libpng would have failed (corruptPNG)
        // after the 10.8 GB buffer was allocated. The limit must fire first.
        let png = TestPNGs.rgb(TestImages.photoLike(width: 40, height: 30))
        let huge = TestPNGs.patchingSize(png, width: 60000, height: 60000)
        #expect(error(huge) == .imageTooLarge(width: 60000, height: 60000))
        #expect(throws: ImageError.imageTooLarge(width: 60000, height: 60000)) { try decoder.size(huge) }
        let wide = TestPNGs.patchingSize(png, width: 8000, height: 6000)
        #expect(error(wide) == .imageTooLarge(width: 8000, height: 6000))
        // The patch itself is sound: within custom limits the header reads and only the data is short.
        #expect(try PNGDecoder(limits: ImageLimits(maxPixels: 50_000_000)).size(wide) == ImageSize(width: 8000, height: 6000))
        #expect(error(png, decoder: PNGDecoder(limits: ImageLimits(maxPixels: 1000))) == .imageTooLarge(width: 40, height: 30))
        #expect(error(png, decoder: PNGDecoder(limits: ImageLimits(maxSide: 39))) == .imageTooLarge(width: 40, height: 30))
    }

    @Test func byteLimitIsEnforcedFirst() {
        let png = TestPNGs.rgb(TestImages.photoLike(width: 40, height: 30))
        #expect(error(png, decoder: PNGDecoder(limits: ImageLimits(maxBytes: 100))) == .inputTooLarge(byteCount: png.count, limit: 100))
    }

    @Test func otherFormatsAreUnsupported() {
        #expect(error([]) == .unsupportedFormat(detected: .empty, accepted: [.png]))
        let jpeg = TestImages.jpeg(TestImages.photoLike(width: 16, height: 16))
        #expect(error(jpeg) == .unsupportedFormat(detected: .jpeg, accepted: [.png]))
        #expect(error(jpeg)?.description == "unsupported image format: jpeg (expected PNG)")
    }

    @Test func mutatedPNGsNeverCrash() {
        var rng = SplitMix64(seed: 99)
        let seeds = [
            TestPNGs.rgb(TestImages.photoLike(width: 24, height: 16)),
            TestPNGs.rgb(TestImages.photoLike(width: 24, height: 16), interlaced: true),
            TestPNGs.encode(width: 3, height: 2, colorType: .rgba, samples: [UInt8](repeating: 77, count: 24)),
        ]
        let limited = PNGDecoder(limits: ImageLimits(maxBytes: 1 << 20, maxPixels: 2_000_000, maxSide: 4096))
        var images = 0, errors = 0
        for iteration in 0..<600 {
            var bytes = seeds[iteration % seeds.count]
            for _ in 0..<Int.random(in: 1...3, using: &rng) {
                let index = Int.random(in: 8..<bytes.count, using: &rng)
                if Bool.random(using: &rng) { bytes[index] = UInt8.random(in: 0...255, using: &rng) }
                else { bytes.removeLast(Int.random(in: 0..<(bytes.count - 8), using: &rng)) }
            }
            do throws(ImageError) {
                let image = try limited.decode(bytes)
                #expect(image.pixels.count == image.width * image.height * 3)
                images += 1
            } catch {
                errors += 1
            }
        }
        #expect(images + errors == 600 && errors > 0)
    }
}
