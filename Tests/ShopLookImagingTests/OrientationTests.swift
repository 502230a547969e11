import ShopLookCore
import Testing
@testable import ShopLookImaging

@Suite("EXIF orientation")
struct OrientationTests {
    /// Where the stored top-left (red) and top-right (green) blocks appear when displayed,
    /// derived from the EXIF table ("0th row is the visual …, 0th column is the visual …").
    static let expectations: [(orientation: Int, red: Corner, green: Corner)] = [
        (1, .topLeft, .topRight),       // row 0 top, column 0 left
        (2, .topRight, .topLeft),       // row 0 top, column 0 right
        (3, .bottomRight, .bottomLeft), // row 0 bottom, column 0 right
        (4, .bottomLeft, .bottomRight), // row 0 bottom, column 0 left
        (5, .topLeft, .bottomLeft),     // row 0 left, column 0 top
        (6, .topRight, .bottomRight),   // row 0 right, column 0 top
        (7, .bottomRight, .topRight),   // row 0 right, column 0 bottom
        (8, .bottomLeft, .topLeft),     // row 0 left, column 0 bottom
    ]

    enum Corner: String, Sendable, CustomStringConvertible {
        case topLeft, topRight, bottomLeft, bottomRight
        var description: String { rawValue }

        func rect(in image: RGBImage, size: Int = 8, inset: Int = 4) -> PixelRect {
            let x = (self == .topLeft || self == .bottomLeft) ? inset : image.width - inset - size
            let y = (self == .topLeft || self == .topRight) ? inset : image.height - inset - size
            return PixelRect(x: x, y: y, width: size, height: size)
        }
    }

    static let colors: [String: RGBColor] = ["red": TestImages.red, "green": TestImages.green, "gray": TestImages.gray]

    @Test(arguments: OrientationTests.expectations.map(\.orientation), [false, true])
    func markersLandWhereAViewerShowsThem(orientation: Int, bigEndian: Bool) throws {
        let expectation = try #require(Self.expectations.first { $0.orientation == orientation })
        let stored = TestImages.cornerMarkers(width: 64, height: 48)
        let jpeg = TestImages.inserting(
            TestImages.exifSegment(orientation: UInt16(orientation), bigEndian: bigEndian),
            into: TestImages.jpeg(stored)
        )
        let info = try JPEGDecoder().info(jpeg)
        #expect(info.orientation.rawValue == orientation)
        #expect(info.storedWidth == 64 && info.storedHeight == 48)
        let swapped = orientation >= 5
        #expect(info.width == (swapped ? 48 : 64))
        #expect(info.height == (swapped ? 64 : 48))

        let image = try JPEGDecoder().decode(jpeg)
        #expect(image.width == info.width && image.height == info.height)
        var colourAt: [Corner: String] = [:]
        for corner in [Corner.topLeft, .topRight, .bottomLeft, .bottomRight] {
            colourAt[corner] = TestImages.nearest(TestImages.mean(image, corner.rect(in: image)), among: Self.colors)
        }
        #expect(colourAt[expectation.red] == "red", "orientation \(orientation): \(colourAt)")
        #expect(colourAt[expectation.green] == "green", "orientation \(orientation): \(colourAt)")
        #expect(colourAt.values.filter { $0 == "gray" }.count == 2, "orientation \(orientation): \(colourAt)")
    }

    @Test func applyingOrientationIsAPermutationMatchingDisplayedPixel() throws {
        var rng = SplitMix64(seed: 3)
        let image = TestImages.make(width: 5, height: 3) { _, _ in
            RGBColor(r: .random(in: 0...255, using: &rng), g: .random(in: 0...255, using: &rng), b: .random(in: 0...255, using: &rng))
        }
        for orientation in EXIFOrientation.allCases {
            let out = image.applyingOrientation(orientation)
            for y in 0..<3 {
                for x in 0..<5 {
                    let p = orientation.displayedPixel(x: x, y: y, storedWidth: 5, storedHeight: 3)
                    #expect(out[p.x, p.y] == image[x, y])
                }
            }
        }
    }

    static let malformedSegments: [(String, [UInt8])] = {
        let exif = Array("Exif".utf8) + [0, 0]
        var cases: [(String, [UInt8])] = []
        cases.append(("orientation 9", TestImages.exifSegment(orientation: 9)))
        cases.append(("orientation 0", TestImages.exifSegment(orientation: 0)))
        cases.append(("no TIFF header", TestImages.app1(payload: exif)))
        cases.append(("bad byte order", TestImages.app1(payload: exif + Array("XX".utf8) + [42, 0, 8, 0, 0, 0])))
        cases.append(("bad magic", TestImages.app1(payload: exif + [0x49, 0x49, 43, 0, 8, 0, 0, 0])))
        cases.append(("IFD offset past end", TestImages.app1(payload: exif + [0x49, 0x49, 42, 0, 0xFF, 0xFF, 0, 0])))
        cases.append(("IFD offset inside header", TestImages.app1(payload: exif + [0x49, 0x49, 42, 0, 2, 0, 0, 0])))
        cases.append(("huge entry count", TestImages.app1(payload: exif + [0x49, 0x49, 42, 0, 8, 0, 0, 0, 0xFF, 0xFF, 0x12, 0x01])))
        cases.append(("truncated entry", TestImages.app1(payload: exif + [0x49, 0x49, 42, 0, 8, 0, 0, 0, 1, 0, 0x12, 0x01, 3, 0])))
        cases.append(("wrong type", TestImages.app1(payload: exif + [0x49, 0x49, 42, 0, 8, 0, 0, 0, 1, 0, 0x12, 0x01, 2, 0, 1, 0, 0, 0, 6, 0, 0, 0])))
        cases.append(("XMP, not Exif", TestImages.app1(payload: Array("http://ns.adobe.com/xap/1.0/\u{0}<x/>".utf8))))
        return cases
    }()

    @Test(arguments: OrientationTests.malformedSegments)
    func malformedEXIFIsIgnored(name: String, segment: [UInt8]) throws {
        let jpeg = TestImages.inserting(segment, into: TestImages.jpeg(TestImages.cornerMarkers()))
        let decoded = try JPEGDecoder().decodeWithDetails(jpeg)
        #expect(decoded.info.orientation == .up, "\(name)")
        #expect(decoded.image.width == 64 && decoded.image.height == 48)
    }

    @Test func firstValidExifSegmentWins() throws {
        let jpeg = TestImages.inserting(
            TestImages.exifSegment(orientation: 6) + TestImages.exifSegment(orientation: 3),
            into: TestImages.jpeg(TestImages.cornerMarkers())
        )
        #expect(try JPEGDecoder().info(jpeg).orientation == .right)
    }

    @Test func parserNeverReadsOutOfBoundsOnRandomPayloads() {
        var rng = SplitMix64(seed: 99)
        for _ in 0..<5000 {
            let length = Int.random(in: 0...64, using: &rng)
            var payload = (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }
            if Bool.random(using: &rng), payload.count >= 4 {
                payload.replaceSubrange(0..<4, with: Bool.random(using: &rng) ? [0x49, 0x49, 42, 0] : [0x4D, 0x4D, 0, 42])
            }
            let orientation = payload.withUnsafeBytes { EXIFParser.orientation(fromTIFF: $0) }
            if let orientation { #expect((1...8).contains(orientation.rawValue)) }
            let segment = Array("Exif".utf8) + [0, 0] + payload
            _ = segment.withUnsafeBytes { EXIFParser.orientation(fromAPP1: $0) }
            let jpeg = [0xFF, 0xD8] + TestImages.app1(payload: segment) + payload
            _ = jpeg.withUnsafeBytes { JPEGMarkerScanner.scan($0) }
        }
    }
}
