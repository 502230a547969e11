import Testing
import ShopLookImaging

@Suite("Letterbox")
struct LetterboxTests {
    @Test func landscapeIntoSquareMapsPointsBackExactly() throws {
        let image = TestImages.make(width: 640, height: 360) { x, y in
            (300..<310).contains(x) && (100..<110).contains(y) ? TestImages.red : RGBColor(gray: 200)
        }
        let result = try image.letterboxed(to: ImageSize(width: 320, height: 320), padding: RGBColor(gray: 114))
        let t = result.transform
        #expect(t.contentRect == PixelRect(x: 0, y: 70, width: 320, height: 180))
        #expect(t.scaleX == 0.5 && t.scaleY == 0.5 && t.offsetX == 0 && t.offsetY == 70)
        #expect(result.image.size == ImageSize(width: 320, height: 320))
        #expect(result.image[160, 10] == RGBColor(gray: 114) && result.image[160, 315] == RGBColor(gray: 114))
        // The red square's centre (305, 105) lands at (152.5, 122.5).
        let mapped = t.toTarget(ImagePoint(x: 305, y: 105))
        #expect(mapped == ImagePoint(x: 152.5, y: 122.5))
        #expect(result.image[152, 122] == TestImages.red)
        // Round trips are exact.
        for point in [ImagePoint(x: 0, y: 0), ImagePoint(x: 640, y: 360), ImagePoint(x: 123.25, y: 77.5)] {
            #expect(t.toSource(t.toTarget(point)) == point)
        }
        #expect(t.affine.apply(ImagePoint(x: 305, y: 105)) == mapped)
    }

    @Test func oddPaddingAndNonUniformRounding() throws {
        // 333×100 into 224×224: scale 224/333, content 224×67, top padding (224-67)/2 = 78.
        let image = TestImages.photoLike(width: 333, height: 100)
        let result = try image.letterboxed(to: ImageSize(width: 224, height: 224), padding: .black, filter: .area)
        let t = result.transform
        #expect(t.contentRect == PixelRect(x: 0, y: 78, width: 224, height: 67))
        // Corners of the source map to the corners of the content rectangle exactly.
        #expect(t.toTarget(ImagePoint(x: 0, y: 0)) == ImagePoint(x: 0, y: 78))
        #expect(t.toTarget(ImagePoint(x: 333, y: 100)) == ImagePoint(x: 224, y: 145))
        let back = t.toSource(ImagePoint(x: 224, y: 145))
        #expect(abs(back.x - 333) < 1e-9 && abs(back.y - 100) < 1e-9)
        #expect(result.image[100, 77] == .black && result.image[100, 146] == .black)
    }

    @Test func portraitPadsLeftAndRight() throws {
        let image = try RGBImage(width: 100, height: 200, fill: .white)
        let result = try image.letterboxed(to: ImageSize(width: 300, height: 300), padding: .black)
        #expect(result.transform.contentRect == PixelRect(x: 75, y: 0, width: 150, height: 300))
        #expect(result.image[74, 150] == .black && result.image[75, 150] == .white && result.image[224, 150] == .white && result.image[225, 150] == .black)
    }
}
