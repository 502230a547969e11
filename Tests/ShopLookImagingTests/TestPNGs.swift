import CPNG
@testable import ShopLookImaging

/// PNG files written with libpng's full write API (every colour type, bit depth, palette,
/// tRNS and Adam7 interlacing), plus chunk surgery for hostile headers.
enum TestPNGs {
    enum ColorType: Int32 {
        case gray = 0, rgb = 2, palette = 3, grayAlpha = 4, rgba = 6
    }

    private final class Sink {
        var bytes: [UInt8] = []
    }

    /// Encodes `samples`: rows packed as PNG stores them (16-bit samples big-endian, sub-byte
    /// palette/gray samples packed most-significant first, each row padded to a whole byte).
    static func encode(
        width: Int,
        height: Int,
        colorType: ColorType,
        bitDepth: Int32 = 8,
        interlaced: Bool = false,
        palette: [RGBColor] = [],
        transparency: [UInt8] = [],
        samples: [UInt8]
    ) -> [UInt8] {
        let channels = switch colorType {
        case .gray, .palette: 1
        case .grayAlpha: 2
        case .rgb: 3
        case .rgba: 4
        }
        let rowBytes = (width * channels * Int(bitDepth) + 7) / 8
        precondition(samples.count == rowBytes * height, "expected \(rowBytes * height) sample bytes, got \(samples.count)")
        var png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nil, nil, nil)
        var info = png_create_info_struct(png)
        defer { png_destroy_write_struct(&png, &info) }
        let sink = Sink()
        let write: @convention(c) (png_structp?, png_bytep?, Int) -> Void = { png, data, length in
            let sink = Unmanaged<Sink>.fromOpaque(png_get_io_ptr(png)!).takeUnretainedValue()
            sink.bytes.append(contentsOf: UnsafeBufferPointer(start: data, count: length))
        }
        png_set_write_fn(png, Unmanaged.passUnretained(sink).toOpaque(), write, nil)
        png_set_IHDR(png, info, png_uint_32(width), png_uint_32(height), bitDepth, colorType.rawValue,
                     interlaced ? 1 : 0, 0, 0)
        if !palette.isEmpty {
            var entries = palette.map { png_color(red: $0.r, green: $0.g, blue: $0.b) }
            png_set_PLTE(png, info, &entries, Int32(entries.count))
        }
        if !transparency.isEmpty {
            var alpha = transparency
            png_set_tRNS(png, info, &alpha, Int32(alpha.count), nil)
        }
        png_write_info(png, info)
        var data = samples
        data.withUnsafeMutableBufferPointer { buffer in
            var rows = (0..<height).map { Optional(buffer.baseAddress! + $0 * rowBytes) }
            png_write_image(png, &rows)
        }
        png_write_end(png, nil)
        return sink.bytes
    }

    /// An 8-bit RGB PNG of `image`.
    static func rgb(_ image: RGBImage, interlaced: Bool = false) -> [UInt8] {
        encode(width: image.width, height: image.height, colorType: .rgb, interlaced: interlaced, samples: image.pixels)
    }

    /// Rewrites IHDR's width and height (bytes 16–23) and its CRC, leaving the image data alone.
    static func patchingSize(_ png: [UInt8], width: UInt32, height: UInt32) -> [UInt8] {
        var bytes = png
        precondition(Array(bytes[12..<16]) == Array("IHDR".utf8))
        for (offset, value) in [(16, width), (20, height)] {
            for index in 0..<4 { bytes[offset + index] = UInt8(truncatingIfNeeded: value >> (24 - 8 * UInt32(index))) }
        }
        let crc = crc32(bytes[12..<29])
        for index in 0..<4 { bytes[29 + index] = UInt8(truncatingIfNeeded: crc >> (24 - 8 * UInt32(index))) }
        return bytes
    }

    /// The PNG (zlib) CRC-32 of a chunk's type and data.
    static func crc32(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return crc ^ 0xFFFF_FFFF
    }
}
