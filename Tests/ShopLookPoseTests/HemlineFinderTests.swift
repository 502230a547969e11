import ShopLookCore
import ShopLookImaging
import Testing
@testable import ShopLookPose

/// The synthetic 400×800 person of ``ArticleLocatorTests`` (T = 250; hips at y 450, ankles at 740) with knees and a
/// mouth, drawn on a grey image: a skin-coloured face, a garment from the waist down to `hem` on both legs, and
/// below it each leg in its own colour.
@Suite("HemlineFinder")
struct HemlineFinderTests {
    static let skin = RGBColor(r: 224, g: 172, b: 140)
    static let garment = RGBColor(r: 40, g: 60, b: 140)
    static let tights = RGBColor(r: 30, g: 30, b: 35)

    static func landmarks() -> [Landmark] {
        var lm = VerdictTests.person()
        func set(_ i: PoseLandmarkIndex, _ x: Double, _ y: Double) { lm[i.rawValue].x = x; lm[i.rawValue].y = y }
        set(.leftKnee, 228, 595); set(.rightKnee, 172, 595)
        set(.mouthLeft, 208, 115); set(.mouthRight, 192, 115)
        return lm
    }

    /// `legs`: the colour below the hem of the left leg (image right) and the right leg (image left), each from
    /// `hem` down to `until` (the garment again below that, as with boots).
    static func image(hem: Int, legs: (RGBColor, RGBColor), until: Int = 800) throws -> RGBImage {
        let width = 400, height = 800
        var pixels = [UInt8](repeating: 128, count: width * height * 3)
        func paint(_ x0: Int, _ x1: Int, _ y0: Int, _ y1: Int, _ colour: RGBColor) {
            for y in max(0, y0)..<min(height, y1) {
                for x in max(0, x0)..<min(width, x1) {
                    let offset = (y * width + x) * 3
                    pixels[offset] = colour.r; pixels[offset + 1] = colour.g; pixels[offset + 2] = colour.b
                }
            }
        }
        paint(175, 225, 80, 130, skin)               // the face around the nose and mouth
        paint(150, 250, 380, until, garment)         // lower wear, waist to the hem (and boots below `until`)
        paint(205, 245, hem, until, legs.0)          // the left leg below the hem
        paint(155, 195, hem, until, legs.1)          // the right leg below the hem
        return try RGBImage(width: width, height: height, pixels: pixels)
    }

    let finder = HemlineFinder()
    let torso = 250.0

    @Test("bare legs below a skirt: the hemline is where the skin starts")
    func bareLegs() throws {
        for hem in [520, 600, 660] {
            let found = try #require(finder.hemline(in: Self.image(hem: hem, legs: (Self.skin, Self.skin)), landmarks: Self.landmarks(), torso: torso))
            #expect(abs(found - Double(hem)) <= 8, "hem at \(hem), found \(found)")
        }
    }

    @Test("trousers, tights and a sliver of skin above boots show no hemline")
    func noHemline() throws {
        let lm = Self.landmarks()
        #expect(finder.hemline(in: try Self.image(hem: 800, legs: (Self.skin, Self.skin)), landmarks: lm, torso: torso) == nil)
        #expect(finder.hemline(in: try Self.image(hem: 560, legs: (Self.tights, Self.tights)), landmarks: lm, torso: torso) == nil)
        // 20 px of skin (shorter than a tenth of the leg) between the hem and the boots' tops.
        #expect(finder.hemline(in: try Self.image(hem: 600, legs: (Self.skin, Self.skin), until: 620), landmarks: lm, torso: torso) == nil)
    }

    @Test("one bare leg is enough (the other hidden, here by the garment's colour)")
    func oneLeg() throws {
        let found = try #require(finder.hemline(
            in: Self.image(hem: 600, legs: (Self.skin, Self.garment)), landmarks: Self.landmarks(), torso: torso))
        #expect(abs(found - 600) <= 8)
    }

    @Test("skin is the face's colour: legs of another colour are not skin")
    func skinFromTheFace() throws {
        // A face of a darker skin tone: legs painted in the first tone no longer count.
        var image = try Self.image(hem: 600, legs: (Self.skin, Self.skin))
        let dark = try Self.image(hem: 600, legs: (RGBColor(r: 90, g: 56, b: 40), RGBColor(r: 90, g: 56, b: 40)))
        #expect(finder.hemline(in: dark, landmarks: Self.landmarks(), torso: torso) == nil)   // face still light
        image = try Self.recolourFace(image, RGBColor(r: 90, g: 56, b: 40))
        #expect(finder.hemline(in: image, landmarks: Self.landmarks(), torso: torso) == nil)
        let both = try Self.recolourFace(dark, RGBColor(r: 90, g: 56, b: 40))
        #expect(finder.hemline(in: both, landmarks: Self.landmarks(), torso: torso).map { abs($0 - 600) <= 8 } == true)
    }

    static func recolourFace(_ image: RGBImage, _ colour: RGBColor) throws -> RGBImage {
        var pixels = image.pixels
        for y in 80..<130 {
            for x in 175..<225 {
                let offset = (y * image.width + x) * 3
                pixels[offset] = colour.r; pixels[offset + 1] = colour.g; pixels[offset + 2] = colour.b
            }
        }
        return try RGBImage(width: image.width, height: image.height, pixels: pixels)
    }

    @Test("the locator ends lower wear just below the hemline, and keeps the pose box without one")
    func locator() throws {
        let locator = ArticleLocator()
        var result = VerdictTests.result(Self.landmarks())
        result.mask = nil
        func lower(_ image: RGBImage?) -> BoundingBox? {
            locator.locate(result, image: image).first { $0.superCategory == .lower }?.box
        }
        let skirt = try #require(lower(try Self.image(hem: 560, legs: (Self.skin, Self.skin))))
        #expect(abs(skirt.y1 - (560 + 0.05 * torso)) <= 8)
        #expect(skirt.y0 == 410 && skirt.x0 == 120 && skirt.x1 == 280)   // top and sides as before
        #expect(lower(try Self.image(hem: 800, legs: (Self.skin, Self.skin)))?.y1 == 735)   // trousers: to the ankles
        #expect(lower(nil)?.y1 == 735)
        // An image of another size than the pose result's is not read.
        let small = try RGBImage(width: 200, height: 400, fill: Self.skin)
        #expect(lower(small)?.y1 == 735)
    }

    @Test("CIELAB of reference colours, and window medians (large windows read on a coarser grid)")
    func lab() throws {
        func close(_ c: LabColour, _ l: Double, _ a: Double, _ b: Double) -> Bool {
            abs(c.l - l) < 0.5 && abs(c.a - a) < 0.5 && abs(c.b - b) < 0.5
        }
        #expect(close(LabReader.lab(255, 255, 255), 100, 0, 0))
        #expect(close(LabReader.lab(0, 0, 0), 0, 0, 0))
        #expect(close(LabReader.lab(255, 0, 0), 53.24, 80.09, 67.2))
        #expect(close(LabReader.lab(0, 0, 255), 32.3, 79.19, -107.86))
        // Left 60% of the window skin, right 40% garment: the median is skin, whether every pixel or every
        // fourth is read; at the image's corner the window is clipped.
        var pixels = [UInt8](repeating: 0, count: 100 * 100 * 3)
        for y in 0..<100 {
            for x in 0..<100 {
                let colour = x < 60 ? Self.skin : Self.garment
                pixels[(y * 100 + x) * 3] = colour.r; pixels[(y * 100 + x) * 3 + 1] = colour.g; pixels[(y * 100 + x) * 3 + 2] = colour.b
            }
        }
        let image = try RGBImage(width: 100, height: 100, pixels: pixels)
        let skin = LabReader.lab(Self.skin.r, Self.skin.g, Self.skin.b)
        for side in [200, 16] {
            var reader = LabReader(image: image)
            reader.maximumSide = side
            #expect(reader.median(around: ImagePoint(x: 50, y: 50), radius: 40, minimumPixels: 1) == skin)
        }
        #expect(LabReader(image: image).median(around: ImagePoint(x: 95, y: 5), radius: 10, minimumPixels: 1)
            == LabReader.lab(Self.garment.r, Self.garment.g, Self.garment.b))
        #expect(LabReader(image: image).median(around: ImagePoint(x: -50, y: 5), radius: 10, minimumPixels: 1) == nil)
    }

    @Test("points evenly spaced along a polyline")
    func evenlySpaced() {
        let points = HemlineFinder.evenlySpaced(
            [ImagePoint(x: 0, y: 0), ImagePoint(x: 0, y: 30), ImagePoint(x: 40, y: 60)], count: 5)
        // Length 30 + 50 = 80: every 20.
        let expected = [(0.0, 0.0), (0.0, 20.0), (8.0, 36.0), (24.0, 48.0), (40.0, 60.0)]
        #expect(points.count == 5)
        for (point, (x, y)) in zip(points, expected) {
            #expect(abs(point.x - x) < 1e-9 && abs(point.y - y) < 1e-9)
        }
    }
}
