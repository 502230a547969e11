import Testing
@testable import ShopLookImaging

@Suite("Colour spaces and round trips")
struct ColorSpaceTests {
    @Test(arguments: [ChromaSubsampling.yuv444, .yuv422, .yuv420, .yuv440, .yuv411])
    func encodeDecodeRoundTripIsClose(subsampling: ChromaSubsampling) throws {
        let image = TestImages.make(width: 80, height: 56) { x, y in
            RGBColor(r: UInt8(x * 3), g: UInt8(y * 4), b: UInt8(128 + (x - y) / 2))
        }
        let jpeg = try JPEGEncoder(quality: 95, subsampling: subsampling).encode(image)
        let decoded = try JPEGDecoder().decodeWithDetails(jpeg)
        #expect(decoded.info.subsampling == subsampling)
        #expect(decoded.info.colorSpace == .yCbCr)
        #expect(decoded.info.componentCount == 3)
        #expect(decoded.image.size == image.size)
        #expect(TestImages.maxAbsDifference(decoded.image, image) <= 12)
        let fast = try JPEGDecoder(fastDCT: true).decode(jpeg)
        #expect(TestImages.maxAbsDifference(fast, image) <= 16)
    }

    @Test func lowQualityAndProgressiveStillRoundTrip() throws {
        let image = TestImages.photoLike(width: 64, height: 64)
        let jpeg = try JPEGEncoder(quality: 60, progressive: true).encode(image)
        let decoded = try JPEGDecoder().decodeWithDetails(jpeg)
        #expect(decoded.info.isProgressive)
        let mean = TestImages.mean(decoded.image, decoded.image.bounds)
        let reference = TestImages.mean(image, image.bounds)
        #expect(abs(mean.r - reference.r) < 2 && abs(mean.g - reference.g) < 2 && abs(mean.b - reference.b) < 2)
    }

    @Test func grayscaleJPEGDecodesToRGB() throws {
        let image = TestImages.make(width: 40, height: 24) { x, _ in RGBColor(gray: UInt8(x * 6)) }
        let jpeg = try JPEGEncoder(quality: 95, subsampling: .gray).encode(image)
        let decoded = try JPEGDecoder().decodeWithDetails(jpeg)
        #expect(decoded.info.colorSpace == .gray)
        #expect(decoded.info.componentCount == 1)
        #expect(decoded.info.subsampling == .gray)
        for y in 0..<24 {
            for x in 0..<40 {
                let c = decoded.image[x, y]
                #expect(c.r == c.g && c.g == c.b)
            }
        }
        #expect(TestImages.maxAbsDifference(decoded.image, image) <= 6)
    }

    @Test func cmykJPEGDecodesToRGB() throws {
        // Adobe-style inverted CMYK (libjpeg writes an Adobe marker): left half red, right half blue.
        let width = 32, height = 16
        var cmyk = [UInt8]()
        for _ in 0..<height {
            for x in 0..<width {
                // ink red = C0 M255 Y255 K0 ; ink blue = C255 M255 Y0 K0 ; stored inverted.
                cmyk += x < width / 2 ? [255, 0, 0, 255] : [0, 0, 255, 255]
            }
        }
        let jpeg = try JPEGEncoder(quality: 95, subsampling: .yuv444).encodeCMYK(cmyk, width: width, height: height)
        let decoded = try JPEGDecoder().decodeWithDetails(jpeg)
        #expect(decoded.info.colorSpace == .ycck)
        #expect(decoded.info.componentCount == 4)
        let left = TestImages.mean(decoded.image, PixelRect(x: 2, y: 2, width: 10, height: 12))
        let right = TestImages.mean(decoded.image, PixelRect(x: 20, y: 2, width: 10, height: 12))
        #expect(left.r > 240 && left.g < 15 && left.b < 15, "\(left)")
        #expect(right.r < 15 && right.g < 15 && right.b > 240, "\(right)")
        // Scaled CMYK decodes work as well.
        let half = try JPEGDecoder().decode(jpeg, minimumSize: 8)
        #expect(half.width == 16 && half.height == 8)
    }

    @Test func encoderValidatesQuality() {
        let image = TestImages.cornerMarkers()
        #expect(throws: ImageError.self) { try JPEGEncoder(quality: 0).encode(image) }
        #expect(throws: ImageError.self) { try JPEGEncoder(quality: 101).encode(image) }
    }

    @Test func onePixelImageRoundTrips() throws {
        let image = try RGBImage(width: 1, height: 1, fill: RGBColor(r: 200, g: 100, b: 50))
        let decoded = try JPEGDecoder().decode(JPEGEncoder(quality: 100, subsampling: .yuv444).encode(image))
        #expect(decoded.size == ImageSize(width: 1, height: 1))
        #expect(TestImages.maxAbsDifference(decoded, image) <= 3)
    }
}
