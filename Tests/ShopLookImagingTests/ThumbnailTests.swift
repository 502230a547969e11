import Testing
@testable import ShopLookImaging

@Suite("Thumbnails")
struct ThumbnailTests {
    @Test func fittingKeepsTheAspectRatioAndNeverEnlarges() throws {
        #expect(try ImageSize(width: 1000, height: 500).fitting(within: 320) == ImageSize(width: 320, height: 160))
        #expect(try ImageSize(width: 500, height: 1000).fitting(within: 320) == ImageSize(width: 160, height: 320))
        #expect(try ImageSize(width: 641, height: 641).fitting(within: 320) == ImageSize(width: 320, height: 320))
        #expect(try ImageSize(width: 3000, height: 7).fitting(within: 320) == ImageSize(width: 320, height: 1))
        #expect(try ImageSize(width: 200, height: 100).fitting(within: 320) == ImageSize(width: 200, height: 100))
        #expect(try ImageSize(width: 320, height: 10).fitting(within: 320) == ImageSize(width: 320, height: 10))
        #expect(throws: ImageError.self) { try ImageSize(width: 10, height: 10).fitting(within: 0) }
    }

    @Test func aSmallImageIsNotResampled() throws {
        let image = TestImages.photoLike(width: 40, height: 30)
        #expect(try image.resized(fittingWithin: 320) == image)
    }

    @Test func aLargeJPEGBecomesAThumbnailOfTheSamePicture() throws {
        let photo = TestImages.cornerMarkers(width: 1200, height: 800, block: 300)
        let jpeg = TestImages.jpeg(photo)
        let thumbnailer = ImageThumbnailer(maximumSide: 320)
        let bytes = try thumbnailer.thumbnail(jpeg)
        #expect(ImageFormat.detect(bytes) == .jpeg)
        let decoded = try ImageDecoder().decode(bytes)
        #expect(decoded.size == ImageSize(width: 320, height: 213))
        // The markers are where they were, scaled: red top-left, green top-right, grey below.
        let colors = ["red": TestImages.red, "green": TestImages.green, "gray": TestImages.gray]
        #expect(TestImages.nearest(TestImages.mean(decoded, PixelRect(x: 10, y: 10, width: 40, height: 40)), among: colors) == "red")
        #expect(TestImages.nearest(TestImages.mean(decoded, PixelRect(x: 270, y: 10, width: 40, height: 40)), among: colors) == "green")
        #expect(TestImages.nearest(TestImages.mean(decoded, PixelRect(x: 140, y: 150, width: 40, height: 40)), among: colors) == "gray")
    }

    @Test func aPNGBecomesAJPEGThumbnail() throws {
        let png = TestPNGs.rgb(TestImages.photoLike(width: 400, height: 100))
        let bytes = try ImageThumbnailer(maximumSide: 100).thumbnail(png)
        #expect(ImageFormat.detect(bytes) == .jpeg)
        #expect(try ImageDecoder().size(bytes) == ImageSize(width: 100, height: 25))
    }

    @Test func nonImagesAndOversizedHeadersAreTheDecodersErrors() throws {
        let thumbnailer = ImageThumbnailer()
        #expect(throws: ImageError.unsupportedFormat(detected: .gif, accepted: [.jpeg, .png])) {
            try thumbnailer.thumbnail(Array("GIF89a\u{1}\u{0}\u{1}\u{0}".utf8))
        }
        let huge = TestImages.patchingFrameSize(TestImages.jpeg(TestImages.photoLike(width: 16, height: 16)), width: 30_000, height: 30_000)
        #expect(throws: ImageError.imageTooLarge(width: 30_000, height: 30_000)) { try thumbnailer.thumbnail(huge) }
    }
}
