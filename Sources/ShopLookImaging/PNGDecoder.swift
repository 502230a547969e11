/// Decodes PNG bytes into RGB images, enforcing `ImageLimits` from the header before any
/// pixel memory is allocated.
///
/// Every PNG colour type, bit depth and interlace method is accepted (libpng's simplified
/// API does the conversion): gray and palette images are expanded, 16-bit samples are
/// reduced to 8 bits (taken as sRGB-encoded when the file has no gAMA / sRGB chunk), and
/// transparency — an alpha channel or a tRNS chunk — is composited onto `background`
/// (white by default, so that a cut-out product photo keeps a white background).
/// Compositing is done on the sRGB-encoded values, as browsers do. EXIF orientation
/// (eXIf chunk) is not applied.
///
/// A value type holding configuration only; safe to share across tasks. Each call
/// creates its own libpng state.
///
/// Order of checks: empty → byte limit → magic bytes (`unsupportedFormat`) →
/// header (`corruptPNG`) → dimension limits (`imageTooLarge`) → decode (`corruptPNG`).
public struct PNGDecoder: Sendable {
    public var limits: ImageLimits
    /// The colour transparent pixels are composited onto.
    public var background: RGBColor

    public init(limits: ImageLimits = .default, background: RGBColor = .white) {
        self.limits = limits
        self.background = background
    }

    /// Reads the size from the header without decoding. Applies the same format and limit checks as `decode`.
    public func size(_ bytes: [UInt8]) throws(ImageError) -> ImageSize {
        try bytes.withUnsafeBytesTyped { (buffer) throws(ImageError) in
            let reader = try readHeader(buffer)
            return ImageSize(width: reader.width, height: reader.height)
        }
    }

    /// Decodes the whole image.
    public func decode(_ bytes: [UInt8]) throws(ImageError) -> RGBImage {
        try bytes.withUnsafeBytesTyped { (buffer) throws(ImageError) in try decode(buffer) }
    }

    /// Decodes from a raw buffer (e.g. `Data.withUnsafeBytes`).
    public func decode(_ bytes: UnsafeRawBufferPointer) throws(ImageError) -> RGBImage {
        let reader = try readHeader(bytes)
        let width = reader.width
        let height = reader.height
        guard reader.hasAlpha else {
            // Zero-filled so that no path can expose uninitialised memory.
            var rgb = [UInt8](repeating: 0, count: width * height * 3)
            try rgb.withUnsafeMutableBufferPointerTyped { (output) throws(ImageError) in
                try reader.read(into: output, alpha: false)
            }
            return RGBImage(unchecked: width, height, rgb)
        }
        var rgba = [UInt8](repeating: 0, count: width * height * 4)
        try rgba.withUnsafeMutableBufferPointerTyped { (output) throws(ImageError) in
            try reader.read(into: output, alpha: true)
        }
        let background = background
        return rgba.withUnsafeBufferPointer { rgba in
            RGBImage(width: width, height: height) { rgb in
                Self.composite(rgba: rgba, onto: background, into: rgb, pixelCount: width * height)
            }
        }
    }

    // MARK: Internals

    /// `out = (c·a + bg·(255 − a)) / 255`, rounded, per channel on the sRGB-encoded values.
    static func composite(
        rgba: UnsafeBufferPointer<UInt8>,
        onto background: RGBColor,
        into rgb: UnsafeMutableBufferPointer<UInt8>,
        pixelCount: Int
    ) {
        let bg = (UInt32(background.r), UInt32(background.g), UInt32(background.b))
        for pixel in 0..<pixelCount {
            let a = UInt32(rgba[pixel * 4 + 3])
            let inverse = 255 - a
            rgb[pixel * 3] = UInt8((UInt32(rgba[pixel * 4]) * a + bg.0 * inverse + 127) / 255)
            rgb[pixel * 3 + 1] = UInt8((UInt32(rgba[pixel * 4 + 1]) * a + bg.1 * inverse + 127) / 255)
            rgb[pixel * 3 + 2] = UInt8((UInt32(rgba[pixel * 4 + 2]) * a + bg.2 * inverse + 127) / 255)
        }
    }

    private func readHeader(_ bytes: UnsafeRawBufferPointer) throws(ImageError) -> LibPNGReader {
        guard !bytes.isEmpty else { throw .unsupportedFormat(detected: .empty, accepted: [.png]) }
        guard bytes.count <= limits.maxBytes else {
            throw .inputTooLarge(byteCount: bytes.count, limit: limits.maxBytes)
        }
        let format = ImageFormat.detect(bytes)
        guard format == .png else { throw .unsupportedFormat(detected: format, accepted: [.png]) }
        let reader = try LibPNGReader(bytes)
        guard limits.allows(width: reader.width, height: reader.height) else {
            throw .imageTooLarge(width: reader.width, height: reader.height)
        }
        return reader
    }
}
