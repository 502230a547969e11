/// Decodes JPEG or PNG bytes, chosen by the signature (JPEG `FF D8 FF`, PNG `89 50 4E 47 0D 0A 1A 0A`),
/// with one `ImageLimits` for both. Anything else is `ImageError.unsupportedFormat(detected:accepted:)`
/// with `accepted` = [JPEG, PNG].
///
/// JPEGs go through `JPEGDecoder` (EXIF orientation, DCT-domain reduction, warning policy);
/// PNGs through `PNGDecoder` (transparency composited onto `background`). PNG has no
/// reduced-size decode: minimum sizes are met by decoding at full size.
///
/// A value type holding configuration only; safe to share across tasks.
public struct ImageDecoder: Sendable {
    public var limits: ImageLimits
    /// Applies to JPEGs only (see `JPEGDecoder.warningPolicy`).
    public var warningPolicy: JPEGWarningPolicy
    /// Applies to JPEGs only (see `JPEGDecoder.fastDCT`).
    public var fastDCT: Bool
    /// Applies to PNGs only: the colour transparent pixels are composited onto.
    public var background: RGBColor

    /// The formats this decoder accepts, in the order messages name them.
    public static let acceptedFormats: [ImageFormat] = [.jpeg, .png]

    public init(
        limits: ImageLimits = .default,
        warningPolicy: JPEGWarningPolicy = .strict,
        fastDCT: Bool = false,
        background: RGBColor = .white
    ) {
        self.limits = limits
        self.warningPolicy = warningPolicy
        self.fastDCT = fastDCT
        self.background = background
    }

    /// Takes the limits and JPEG options of an existing `JPEGDecoder`.
    public init(_ jpeg: JPEGDecoder, background: RGBColor = .white) {
        self.init(limits: jpeg.limits, warningPolicy: jpeg.warningPolicy, fastDCT: jpeg.fastDCT, background: background)
    }

    public var jpegDecoder: JPEGDecoder { JPEGDecoder(limits: limits, warningPolicy: warningPolicy, fastDCT: fastDCT) }
    public var pngDecoder: PNGDecoder { PNGDecoder(limits: limits, background: background) }

    /// The displayed size from the header, without decoding. Applies the same format and limit checks as `decode`.
    public func size(_ bytes: [UInt8]) throws(ImageError) -> ImageSize {
        switch try format(bytes.count, ImageFormat.detect(bytes)) {
        case .png: try pngDecoder.size(bytes)
        default: try jpegDecoder.info(bytes).size
        }
    }

    /// Decodes at full size or, for a JPEG with `minimumSize`, at the strongest reduction keeping both sides ≥ it.
    public func decode(_ bytes: [UInt8], minimumSize: Int? = nil) throws(ImageError) -> RGBImage {
        try decodeWithDetails(bytes, minimumWidth: minimumSize, minimumHeight: minimumSize).image
    }

    /// Decodes; a JPEG at the strongest reduction whose displayed sides are ≥ the minimums.
    public func decode(_ bytes: [UInt8], minimumWidth: Int, minimumHeight: Int) throws(ImageError) -> RGBImage {
        try decodeWithDetails(bytes, minimumWidth: minimumWidth, minimumHeight: minimumHeight).image
    }

    /// Decodes and also returns the format, the full-size displayed size and any accepted JPEG warning.
    public func decodeWithDetails(
        _ bytes: [UInt8],
        minimumWidth: Int? = nil,
        minimumHeight: Int? = nil
    ) throws(ImageError) -> DecodedImage {
        try bytes.withUnsafeBytesTyped { (buffer) throws(ImageError) in
            try decodeWithDetails(buffer, minimumWidth: minimumWidth, minimumHeight: minimumHeight)
        }
    }

    /// Decodes from a raw buffer (e.g. `Data.withUnsafeBytes`). See `decodeWithDetails(_: [UInt8] …)`.
    public func decodeWithDetails(
        _ bytes: UnsafeRawBufferPointer,
        minimumWidth: Int? = nil,
        minimumHeight: Int? = nil
    ) throws(ImageError) -> DecodedImage {
        switch try format(bytes.count, ImageFormat.detect(bytes)) {
        case .png:
            if let minimumWidth, minimumWidth < 1 { throw .invalidArgument("minimum width must be ≥ 1, got \(minimumWidth)") }
            if let minimumHeight, minimumHeight < 1 { throw .invalidArgument("minimum height must be ≥ 1, got \(minimumHeight)") }
            let image = try pngDecoder.decode(bytes)
            return DecodedImage(image: image, format: .png, originalSize: image.size, warning: nil)
        default:
            let decoded = try jpegDecoder.decodeWithDetails(bytes, minimumWidth: minimumWidth, minimumHeight: minimumHeight)
            return DecodedImage(image: decoded.image, format: .jpeg, originalSize: decoded.info.size, warning: decoded.warning)
        }
    }

    /// The byte limit first (as the per-format decoders do), then the signature.
    private func format(_ byteCount: Int, _ detected: ImageFormat) throws(ImageError) -> ImageFormat {
        guard detected != .empty else { throw .unsupportedFormat(detected: .empty, accepted: Self.acceptedFormats) }
        guard byteCount <= limits.maxBytes else { throw .inputTooLarge(byteCount: byteCount, limit: limits.maxBytes) }
        guard Self.acceptedFormats.contains(detected) else {
            throw .unsupportedFormat(detected: detected, accepted: Self.acceptedFormats)
        }
        return detected
    }
}
