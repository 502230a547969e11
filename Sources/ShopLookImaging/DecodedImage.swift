/// A decoded JPEG or PNG together with what was learned while decoding it.
public struct DecodedImage: Sendable, Hashable {
    /// The pixels, as displayed; a JPEG may have been reduced (see `ImageDecoder.decodeWithDetails`).
    public let image: RGBImage
    /// `.jpeg` or `.png`.
    public let format: ImageFormat
    /// The full-size displayed size declared by the header (EXIF orientation applied for JPEG).
    public let originalSize: ImageSize
    /// The libjpeg-turbo warning accepted under `JPEGWarningPolicy.lenient`; `nil` otherwise and for PNG.
    public let warning: String?
}
