import Foundation
import ShopLookImaging

/// Images for tests: synthetic article crops, and distinct encodings of the fetched test photos.
public enum TestImages {
    /// A 120×160 JPEG: a coloured rectangle (varying with `seed`) on a light background, like an article crop.
    public static func crop(seed: Int) throws -> [UInt8] {
        var pixels = [UInt8](repeating: 245, count: 120 * 160 * 3)
        for y in 20..<140 {
            for x in 20..<100 {
                let i = (y * 120 + x) * 3
                pixels[i] = UInt8(seed * 60 % 256)
                pixels[i + 1] = UInt8(x * 2)
                pixels[i + 2] = UInt8(y)
            }
        }
        return try JPEGEncoder(quality: 92).encode(try RGBImage(width: 120, height: 160, pixels: pixels))
    }

    /// A 32×24 JPEG of one colour (red `red`, green 40, blue 200): a file that only has to be a JPEG of its own.
    public static func solid(red: UInt8) throws -> [UInt8] {
        try JPEGEncoder().encode(RGBImage(width: 32, height: 24, fill: RGBColor(r: red, g: 40, b: 200)))
    }

    /// `count` different JPEG files (so `count` different image ids) of the photos in `directory`, taken in
    /// turn: each re-encoded with its top-left 16×16 block (one JPEG MCU) painted a grey of its own.
    public static func photoVariants(of files: [String], in directory: URL, count: Int) throws -> [[UInt8]] {
        let decoder = ImageDecoder()
        let photos = try files.map { try decoder.decode([UInt8](try Data(contentsOf: directory.appendingPathComponent($0)))) }
        return try (0..<count).map { index in
            let photo = photos[index % photos.count]
            var pixels = photo.pixels
            let grey = UInt8(index * 7 % 256)
            for y in 0..<16 {
                for x in 0..<16 { pixels.replaceSubrange((y * photo.width + x) * 3..<(y * photo.width + x + 1) * 3, with: [grey, grey, grey]) }
            }
            return try JPEGEncoder(quality: 90).encode(try RGBImage(width: photo.width, height: photo.height, pixels: pixels))
        }
    }
}
