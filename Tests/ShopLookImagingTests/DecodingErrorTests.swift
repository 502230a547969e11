import ShopLookCore
import Testing
@testable import ShopLookImaging

@Suite("Decoding errors and limits")
struct DecodingErrorTests {
    let decoder = JPEGDecoder()
    let valid = TestImages.jpeg(TestImages.photoLike(width: 96, height: 64), quality: 90, subsampling: .yuv420)

    func error(_ bytes: [UInt8], decoder: JPEGDecoder = JPEGDecoder()) -> ImageError? {
        do {
            _ = try decoder.decode(bytes)
            return nil
        } catch {
            return error
        }
    }

    @Test func emptyInputIsUnsupported() {
        #expect(error([]) == .unsupportedFormat(detected: .empty))
        #expect(throws: ImageError.unsupportedFormat(detected: .empty)) { try decoder.info([]) }
    }

    static let foreignFiles: [([UInt8], ImageFormat)] = {
        var files: [([UInt8], ImageFormat)] = []
        files.append(([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13], .png))
        files.append((Array("GIF89a".utf8) + [1, 0, 1, 0, 0, 0, 0], .gif))
        files.append((Array("GIF87a".utf8) + [1, 0, 1, 0], .gif))
        files.append((Array("RIFF".utf8) + [0x24, 0, 0, 0] + Array("WEBPVP8 ".utf8), .webp))
        files.append((Array("BM".utf8) + [UInt8](repeating: 0, count: 40), .bmp))
        files.append(([0, 0, 0, 0x18] + Array("ftypheic".utf8) + [0, 0, 0, 0], .heic))
        files.append(([0, 0, 0, 0x1C] + Array("ftypavif".utf8) + [0, 0, 0, 0], .avif))
        files.append(([0x49, 0x49, 0x2A, 0x00, 8, 0, 0, 0], .tiff))
        files.append((Array("hello, world".utf8), .unknown))
        files.append(([0xFF, 0xD8], .unknown))
        return files
    }()

    @Test(arguments: DecodingErrorTests.foreignFiles)
    func nonJPEGIsUnsupported(bytes: [UInt8], format: ImageFormat) {
        #expect(ImageFormat.detect(bytes) == format)
        #expect(error(bytes) == .unsupportedFormat(detected: format))
    }

    @Test func randomBytesAreUnsupported() {
        var rng = SplitMix64(seed: 7)
        for length in [1, 2, 3, 17, 1000] {
            var bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }
            if bytes.starts(with: [0xFF, 0xD8, 0xFF]) { bytes[0] = 0 }
            let thrown = error(bytes)
            guard case .unsupportedFormat = thrown else {
                Issue.record("expected unsupportedFormat, got \(String(describing: thrown))")
                continue
            }
        }
    }

    @Test func jpegMagicFollowedByGarbageIsCorrupt() {
        var rng = SplitMix64(seed: 11)
        let bytes = [0xFF, 0xD8, 0xFF] + (0..<500).map { _ in UInt8.random(in: 0...255, using: &rng) }
        guard case .corrupt(let reason) = error(bytes) else {
            Issue.record("expected corrupt")
            return
        }
        #expect(!reason.isEmpty)
    }

    @Test func truncatedFileIsCorruptUnderStrictPolicy() {
        let truncated = Array(valid[0..<(valid.count * 2 / 3)])
        #expect(error(truncated) == .corrupt(reason: "Premature end of JPEG file"))
    }

    @Test func truncatedFileDecodesWithWarningUnderLenientPolicy() throws {
        let truncated = Array(valid[0..<(valid.count * 2 / 3)])
        let lenient = JPEGDecoder(warningPolicy: .lenient)
        let decoded = try lenient.decodeWithDetails(truncated)
        #expect(decoded.image.width == 96 && decoded.image.height == 64)
        #expect(decoded.warning == "Premature end of JPEG file")
        // The intact file decodes without a warning.
        #expect(try lenient.decodeWithDetails(valid).warning == nil)
    }

    @Test func truncatedInsideHeaderIsCorrupt() {
        for length in [3, 4, 10, 40, 100] {
            guard case .corrupt = error(Array(valid[0..<length])) else {
                Issue.record("length \(length): expected corrupt")
                continue
            }
        }
    }

    @Test func byteLimitIsEnforcedFirst() {
        let small = JPEGDecoder(limits: ImageLimits(maxBytes: 100))
        #expect(error(valid, decoder: small) == .inputTooLarge(byteCount: valid.count, limit: 100))
    }

    @Test func hugeDeclaredSizeIsRejectedFromTheHeader() throws {
        // 60000 × 60000 would need 10.8 GB; it must be rejected before any allocation.
        let huge = TestImages.patchingFrameSize(valid, width: 60000, height: 60000)
        #expect(error(huge) == .imageTooLarge(width: 60000, height: 60000))
        #expect(throws: ImageError.imageTooLarge(width: 60000, height: 60000)) { try decoder.info(huge) }
        // Within the side limit but over 40 megapixels.
        let wide = TestImages.patchingFrameSize(valid, width: 8000, height: 6000)
        #expect(error(wide) == .imageTooLarge(width: 8000, height: 6000))
        // Custom limits apply too, even for a scaled decode.
        let strictLimits = JPEGDecoder(limits: ImageLimits(maxPixels: 5000, maxSide: 20000))
        #expect(throws: ImageError.imageTooLarge(width: 96, height: 64)) {
            try strictLimits.decode(valid, minimumSize: 8)
        }
        let sideLimit = JPEGDecoder(limits: ImageLimits(maxSide: 90))
        #expect(throws: ImageError.imageTooLarge(width: 96, height: 64)) { try sideLimit.decode(valid) }
    }

    @Test func zeroDeclaredSizeIsCorrupt() {
        let zero = TestImages.patchingFrameSize(valid, width: 0, height: 64)
        guard case .corrupt = error(zero) else {
            Issue.record("expected corrupt")
            return
        }
    }

    @Test func invalidMinimumSizeIsRejected() {
        #expect(throws: ImageError.self) { try decoder.decode(valid, minimumSize: 0) }
    }

    @Test func errorsDescribeThemselves() {
        #expect(ImageError.unsupportedFormat(detected: .png).description.contains("png"))
        #expect(ImageError.corrupt(reason: "Premature end of JPEG file").description.contains("Premature"))
    }
}
