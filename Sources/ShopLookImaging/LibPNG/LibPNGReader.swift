import CPNG

// This folder is the only place that imports CPNG. Everything it exposes
// to the rest of the module uses Swift types.

/// One read through libpng's simplified API (`png_image`): `init` reads the header,
/// `read(into:)` decodes 8-bit sRGB pixels. Not thread-safe; create one per decode.
///
/// libpng reports failures through `png_image.message` (it catches its own longjmp inside
/// the simplified API), so nothing unwinds through Swift frames.
final class LibPNGReader {
    private var image = png_image()
    /// Whether `png_image_finish_read` (which frees libpng's state itself) has run.
    private var finished = false
    /// The input must stay alive until `read` returns: libpng reads from it in place.
    private let bytes: UnsafeRawBufferPointer

    /// Reads the signature and IHDR (and any chunks before the first IDAT).
    init(_ bytes: UnsafeRawBufferPointer) throws(ImageError) {
        self.bytes = bytes
        image.version = shoplook_png_image_version
        guard let base = bytes.baseAddress,
              png_image_begin_read_from_memory(&image, base, bytes.count) != 0
        else {
            throw .corruptPNG(reason: Self.message(&image, fallback: "cannot read the PNG header"))
        }
        // Without a gAMA / sRGB chunk libpng would take 16-bit samples as linear light and
        // brighten them; 16-bit photos from editors are sRGB-encoded like 8-bit ones.
        image.flags |= shoplook_png_image_flag_16bit_srgb
    }

    deinit {
        if !finished { png_image_free(&image) }
    }

    var width: Int { Int(image.width) }
    var height: Int { Int(image.height) }
    /// Whether the file has an alpha channel or a tRNS chunk.
    var hasAlpha: Bool { image.format & shoplook_png_format_flag_alpha != 0 }

    /// Decodes into `output`, which must hold `width * height * channels` bytes
    /// (channels 3 for RGB, 4 for RGBA; RGBA is 8-bit sRGB, not premultiplied).
    func read(into output: UnsafeMutableBufferPointer<UInt8>, alpha: Bool) throws(ImageError) {
        let channels = alpha ? 4 : 3
        guard let destination = output.baseAddress, output.count >= width * height * channels,
              let stride = Int32(exactly: width * channels)
        else {
            throw .invalidArgument("PNG output buffer too small for \(width)x\(height)x\(channels)")
        }
        image.format = alpha ? shoplook_png_format_rgba : shoplook_png_format_rgb
        // No background colour: alpha is either kept (RGBA) or absent from the file.
        let status = png_image_finish_read(&image, nil, destination, stride, nil)
        finished = true
        guard status != 0 else {
            throw .corruptPNG(reason: Self.message(&image, fallback: "libpng failed to decode the image"))
        }
    }

    /// libpng's `message` (a NUL-terminated `char[64]`), or `fallback` when it is empty.
    private static func message(_ image: inout png_image, fallback: String) -> String {
        let text = withUnsafeBytes(of: &image.message) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        return text.isEmpty ? fallback : text
    }
}
