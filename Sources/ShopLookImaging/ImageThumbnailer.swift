/// Makes JPEG thumbnails of JPEG or PNG bytes: the image scaled down to fit a square of ``maximumSide`` pixels
/// (never enlarged), EXIF orientation applied, encoded with libjpeg-turbo.
///
/// A JPEG is decoded at the strongest DCT reduction that still covers the thumbnail (a 4,000-pixel photo for a
/// 320-pixel thumbnail decodes at 1/8), then resampled with the area filter; PNGs decode at full size.
/// A value type holding configuration only; safe to share across tasks.
public struct ImageThumbnailer: Sendable {
    /// The longest side of a thumbnail, in pixels.
    public var maximumSide: Int
    /// Decodes the input (its limits apply before anything is decoded).
    public var decoder: ImageDecoder
    /// Encodes the thumbnail.
    public var encoder: JPEGEncoder

    public init(maximumSide: Int = 320, decoder: ImageDecoder = ImageDecoder(), encoder: JPEGEncoder = JPEGEncoder(quality: 85)) {
        self.maximumSide = maximumSide
        self.decoder = decoder
        self.encoder = encoder
    }

    /// The JPEG thumbnail of `bytes`.
    public func thumbnail(_ bytes: [UInt8]) throws(ImageError) -> [UInt8] {
        try encoder.encode(try image(bytes))
    }

    /// The thumbnail's pixels, before encoding.
    public func image(_ bytes: [UInt8]) throws(ImageError) -> RGBImage {
        let target = try decoder.size(bytes).fitting(within: maximumSide)
        let decoded = try decoder.decode(bytes, minimumWidth: target.width, minimumHeight: target.height)
        return decoded.size == target ? decoded : try decoded.resized(to: target, filter: .automatic)
    }
}
