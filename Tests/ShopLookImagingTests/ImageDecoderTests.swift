import Testing
@testable import ShopLookImaging

@Suite("Format sniffing")
struct ImageDecoderTests {
    let decoder = ImageDecoder()
    static let photo = TestImages.photoLike(width: 64, height: 48)

    func error(_ bytes: [UInt8], decoder: ImageDecoder = ImageDecoder()) -> ImageError? {
        do {
            _ = try decoder.decode(bytes)
            return nil
        } catch {
            return error
        }
    }

    @Test func jpegGoesToTheJPEGDecoder() throws {
        let jpeg = TestImages.jpeg(Self.photo)
        let decoded = try decoder.decodeWithDetails(jpeg)
        #expect(decoded.format == .jpeg)
        #expect(decoded.image == (try JPEGDecoder().decode(jpeg)))
        #expect(decoded.originalSize == ImageSize(width: 64, height: 48))
    }

    @Test func pngGoesToThePNGDecoder() throws {
        let decoded = try decoder.decodeWithDetails(TestPNGs.rgb(Self.photo))
        #expect(decoded.format == .png)
        #expect(decoded.image == Self.photo)
        #expect(decoded.warning == nil)
    }

    @Test func jpegOptionsStillApply() throws {
        // EXIF orientation 6 (rotate 90° clockwise to display) and a DCT-domain reduction.
        let jpeg = TestImages.inserting(TestImages.exifSegment(orientation: 6), into: TestImages.jpeg(TestImages.photoLike(width: 1024, height: 768)))
        let decoded = try decoder.decodeWithDetails(jpeg, minimumWidth: 96, minimumHeight: 96)
        #expect(decoded.originalSize == ImageSize(width: 768, height: 1024))
        #expect(decoded.image.width == 96 && decoded.image.height == 128)
        #expect(try decoder.size(jpeg) == ImageSize(width: 768, height: 1024))
    }

    @Test func pngIgnoresMinimumSizes() throws {
        let png = TestPNGs.rgb(TestImages.photoLike(width: 200, height: 100))
        let image = try decoder.decode(png, minimumSize: 10)
        #expect(image.width == 200 && image.height == 100)
        #expect(try decoder.size(png) == ImageSize(width: 200, height: 100))
        #expect(throws: ImageError.self) { try decoder.decode(png, minimumSize: 0) }
    }

    @Test func pngTransparencyUsesTheBackground() throws {
        let png = TestPNGs.encode(width: 1, height: 1, colorType: .rgba, samples: [0, 0, 0, 0])
        #expect(try decoder.decode(png)[0, 0] == .white)
        #expect(try ImageDecoder(background: RGBColor(gray: 9)).decode(png)[0, 0] == RGBColor(gray: 9))
    }

    @Test(arguments: DecodingErrorTests.foreignFiles.filter { $0.1 != .png })
    func otherFormatsAreUnsupported(bytes: [UInt8], format: ImageFormat) {
        #expect(error(bytes) == .unsupportedFormat(detected: format, accepted: [.jpeg, .png]))
        #expect(throws: ImageError.unsupportedFormat(detected: format, accepted: [.jpeg, .png])) { try decoder.size(bytes) }
    }

    @Test func unsupportedFormatSaysWhatIsExpected() {
        let gif = Array("GIF89a".utf8) + [1, 0, 1, 0, 0, 0, 0]
        #expect(error(gif)?.description == "unsupported image format: gif (expected JPEG or PNG)")
        #expect(error([]) == .unsupportedFormat(detected: .empty, accepted: [.jpeg, .png]))
        // JPEGDecoder alone still names only JPEG.
        #expect(ImageError.unsupportedFormat(detected: .png).description == "unsupported image format: png (expected JPEG)")
    }

    @Test func corruptFilesKeepTheirFormatsError() {
        let png = TestPNGs.rgb(Self.photo)
        guard case .corruptPNG = error(Array(png[0..<(png.count / 2)])) else {
            Issue.record("expected corruptPNG")
            return
        }
        let jpeg = TestImages.jpeg(Self.photo)
        #expect(error(Array(jpeg[0..<(jpeg.count * 2 / 3)])) == .corrupt(reason: "Premature end of JPEG file"))
    }

    @Test func oneLimitsValueGovernsBothFormats() {
        let small = ImageDecoder(limits: ImageLimits(maxPixels: 1000))
        #expect(error(TestImages.jpeg(Self.photo), decoder: small) == .imageTooLarge(width: 64, height: 48))
        #expect(error(TestPNGs.rgb(Self.photo), decoder: small) == .imageTooLarge(width: 64, height: 48))
        let tiny = ImageDecoder(limits: ImageLimits(maxBytes: 10))
        #expect(error(Array("GIF89a".utf8) + [UInt8](repeating: 0, count: 20), decoder: tiny) == .inputTooLarge(byteCount: 26, limit: 10))
        #expect(ImageDecoder(JPEGDecoder(limits: ImageLimits(maxPixels: 1000))).limits.maxPixels == 1000)
    }
}
