import Testing
@testable import ShopLookImaging

@Suite("Scaled decoding")
struct ScaledDecodeTests {
    static let jpeg1024x768 = TestImages.jpeg(TestImages.photoLike(width: 1024, height: 768), quality: 85, subsampling: .yuv420)

    @Test(arguments: [
        // minimumSize, expected factor denominator, expected size
        (1, 8, 128, 96),
        (96, 8, 128, 96),
        (97, 4, 256, 192),
        (192, 4, 256, 192),
        (193, 2, 512, 384),
        (384, 2, 512, 384),
        (385, 1, 1024, 768),
        (5000, 1, 1024, 768),
    ] as [(Int, Int, Int, Int)])
    func picksTheStrongestReductionKeepingTheMinimum(minimum: Int, denominator: Int, width: Int, height: Int) throws {
        let decoded = try JPEGDecoder().decodeWithDetails(Self.jpeg1024x768, minimumWidth: minimum, minimumHeight: minimum)
        #expect(decoded.scale == JPEGScalingFactor(numerator: 1, denominator: denominator))
        #expect(decoded.image.width == width && decoded.image.height == height)
        #expect(min(decoded.image.width, decoded.image.height) >= min(minimum, 768))
        #expect(decoded.info.width == 1024 && decoded.info.height == 768)
    }

    @Test func scaledSizesRoundUpLikeLibjpegTurbo() throws {
        let jpeg = TestImages.jpeg(TestImages.photoLike(width: 1001, height: 333))
        let decoded = try JPEGDecoder().decodeWithDetails(jpeg, minimumWidth: 10, minimumHeight: 10)
        #expect(decoded.scale.denominator == 8)
        #expect(decoded.image.width == 126 && decoded.image.height == 42) // ceil(1001/8), ceil(333/8)
    }

    @Test func minimumsApplyInTheDisplayedFrame() throws {
        // Stored 1024×512 with orientation 6 is displayed 512×1024.
        let stored = TestImages.jpeg(TestImages.photoLike(width: 1024, height: 512))
        let jpeg = TestImages.inserting(TestImages.exifSegment(orientation: 6), into: stored)
        let decoder = JPEGDecoder()
        // Displayed width 512 must stay ≥ 300: no reduction (a stored-frame mix-up would pick 1/2).
        let wide = try decoder.decodeWithDetails(jpeg, minimumWidth: 300, minimumHeight: 100)
        #expect(wide.scale == .one)
        #expect(wide.image.size == ImageSize(width: 512, height: 1024))
        // Displayed height 1024 must stay ≥ 300, width ≥ 100: 1/2 (a mix-up would pick 1/1).
        let tall = try decoder.decodeWithDetails(jpeg, minimumWidth: 100, minimumHeight: 300)
        #expect(tall.scale == JPEGScalingFactor(numerator: 1, denominator: 2))
        #expect(tall.image.size == ImageSize(width: 256, height: 512))
        // The single-minimum API.
        let image = try decoder.decode(jpeg, minimumSize: 128)
        #expect(image.size == ImageSize(width: 128, height: 256))
    }

    @Test func scaledDecodeMatchesDownscaledFullDecode() throws {
        let full = try JPEGDecoder().decode(Self.jpeg1024x768)
        let quarter = try JPEGDecoder().decode(Self.jpeg1024x768, minimumSize: 192)
        let reference = try full.resized(width: 256, height: 192, filter: .area)
        // DCT-domain scaling is a different low-pass filter; compare loosely.
        let a = TestImages.mean(quarter, quarter.bounds), b = TestImages.mean(reference, reference.bounds)
        #expect(abs(a.r - b.r) < 2 && abs(a.g - b.g) < 2 && abs(a.b - b.b) < 2)
        #expect(TestImages.maxAbsDifference(quarter, reference) < 40)
    }

    @Test func offeredFactorsArePowersOfTwo() {
        #expect(TurboJPEG.reducingScalingFactors.map(\.denominator) == [1, 2, 4, 8])
    }
}
