@testable import ShopLookImaging

/// Builders for synthetic test images and hand-made JPEG segments.
enum TestImages {
    static let red = RGBColor(r: 230, g: 20, b: 20)
    static let green = RGBColor(r: 20, g: 200, b: 40)
    static let gray = RGBColor(gray: 128)

    /// An image filled by a per-pixel function.
    static func make(width: Int, height: Int, _ color: (Int, Int) -> RGBColor) -> RGBImage {
        var pixels = [UInt8]()
        pixels.reserveCapacity(width * height * 3)
        for y in 0..<height {
            for x in 0..<width {
                let c = color(x, y)
                pixels += [c.r, c.g, c.b]
            }
        }
        return try! RGBImage(width: width, height: height, pixels: pixels)
    }

    /// Gray image with a red block in the top-left and a green block in the top-right corner.
    static func cornerMarkers(width: Int = 64, height: Int = 48, block: Int = 16) -> RGBImage {
        make(width: width, height: height) { x, y in
            if y < block && x < block { return red }
            if y < block && x >= width - block { return green }
            return gray
        }
    }

    /// A smooth, textured image resembling a photo (for encode/decode and timing).
    static func photoLike(width: Int, height: Int) -> RGBImage {
        make(width: width, height: height) { x, y in
            let r = UInt8((x * 255) / max(1, width - 1))
            let g = UInt8((y * 255) / max(1, height - 1))
            let b = UInt8(((x / 8 + y / 8) % 2) * 80 + 60)
            return RGBColor(r: r, g: g, b: b)
        }
    }

    static func jpeg(_ image: RGBImage, quality: Int = 95, subsampling: ChromaSubsampling = .yuv444) -> [UInt8] {
        try! JPEGEncoder(quality: quality, subsampling: subsampling).encode(image)
    }

    /// An APP1 Exif segment (marker included) with IFD0 holding one SHORT Orientation entry.
    static func exifSegment(orientation: UInt16, bigEndian: Bool = false) -> [UInt8] {
        var tiff: [UInt8] = []
        func u16(_ v: UInt16) { tiff += bigEndian ? [UInt8(v >> 8), UInt8(v & 0xFF)] : [UInt8(v & 0xFF), UInt8(v >> 8)] }
        func u32(_ v: UInt32) {
            let bytes = [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)]
            tiff += bigEndian ? bytes : bytes.reversed()
        }
        tiff += bigEndian ? [0x4D, 0x4D] : [0x49, 0x49]
        u16(42)
        u32(8)        // IFD0 offset
        u16(2)        // two entries: an unrelated tag first, then Orientation
        u16(0x010F); u16(2); u32(4); u32(0x00_6F_6F_66)  // Make = "foo" (inline ASCII)
        u16(0x0112); u16(3); u32(1); u16(orientation); u16(0)
        u32(0)        // no next IFD
        return app1(payload: Array("Exif".utf8) + [0, 0] + tiff)
    }

    /// An APP1 segment with an arbitrary payload.
    static func app1(payload: [UInt8]) -> [UInt8] {
        let length = payload.count + 2
        return [0xFF, 0xE1, UInt8(length >> 8), UInt8(length & 0xFF)] + payload
    }

    /// Inserts a segment right after SOI.
    static func inserting(_ segment: [UInt8], into jpeg: [UInt8]) -> [UInt8] {
        Array(jpeg[0..<2]) + segment + Array(jpeg[2...])
    }

    /// Overwrites the frame size in the first SOF0/SOF1/SOF2 segment.
    static func patchingFrameSize(_ jpeg: [UInt8], width: Int, height: Int) -> [UInt8] {
        var bytes = jpeg
        for i in 0..<(bytes.count - 9) where bytes[i] == 0xFF && [0xC0, 0xC1, 0xC2].contains(bytes[i + 1]) {
            bytes[i + 5] = UInt8(height >> 8)
            bytes[i + 6] = UInt8(height & 0xFF)
            bytes[i + 7] = UInt8(width >> 8)
            bytes[i + 8] = UInt8(width & 0xFF)
            return bytes
        }
        fatalError("no SOF marker")
    }

    /// Mean colour of a rectangle.
    static func mean(_ image: RGBImage, _ rect: PixelRect) -> (r: Double, g: Double, b: Double) {
        var sum = (0.0, 0.0, 0.0)
        for y in rect.minY..<rect.maxY {
            for x in rect.minX..<rect.maxX {
                let c = image[x, y]
                sum.0 += Double(c.r); sum.1 += Double(c.g); sum.2 += Double(c.b)
            }
        }
        let n = Double(rect.width * rect.height)
        return (sum.0 / n, sum.1 / n, sum.2 / n)
    }

    /// Which reference colour a region's mean is closest to.
    static func nearest(_ c: (r: Double, g: Double, b: Double), among colors: [String: RGBColor]) -> String {
        colors.min { a, b in
            distance(c, a.value) < distance(c, b.value)
        }!.key
    }

    private static func distance(_ c: (r: Double, g: Double, b: Double), _ ref: RGBColor) -> Double {
        let dr = c.r - Double(ref.r), dg = c.g - Double(ref.g), db = c.b - Double(ref.b)
        return dr * dr + dg * dg + db * db
    }

    static func maxAbsDifference(_ a: RGBImage, _ b: RGBImage) -> Int {
        precondition(a.width == b.width && a.height == b.height)
        var worst = 0
        for i in 0..<a.pixels.count { worst = max(worst, abs(Int(a.pixels[i]) - Int(b.pixels[i]))) }
        return worst
    }
}
