import ShopLookImaging

/// A catalog product photo made ready for the embedder: the article alone, trimmed to its foreground.
public struct PreparedProductPhoto: Sendable {
    /// The trimmed crop (at decode resolution).
    public var image: RGBImage
    /// The crop's box in pixels of the image as displayed (after EXIF orientation), at full resolution:
    /// `[x0, y0, x1, y1]`, end exclusive.
    public var box: [Double]
    /// The image's displayed size at full resolution.
    public var width: Int
    public var height: Int
    /// The background colour found around the article, `nil` when the background is not plain (then the
    /// box is the whole image).
    public var background: RGBColor?
}

/// Decodes a product photo and trims it to its foreground (catalog photos usually have a plain
/// background). Pure CPU work; thread-safe.
public struct ProductPhotoPreparer: Sendable {
    public var decoder: ImageDecoder
    public var trimOptions: ForegroundTrimOptions
    /// Decode at a reduced size when the photo is large, keeping both sides at least this long.
    public var decodeMinimumSide: Int

    public init(decoder: ImageDecoder = ImageDecoder(), trimOptions: ForegroundTrimOptions = ForegroundTrimOptions(), decodeMinimumSide: Int = 448) {
        self.decoder = decoder
        self.trimOptions = trimOptions
        self.decodeMinimumSide = decodeMinimumSide
    }

    public func prepare(_ bytes: [UInt8]) throws(VisionError) -> PreparedProductPhoto {
        do {
            let decoded = try decoder.decodeWithDetails(bytes, minimumWidth: decodeMinimumSide, minimumHeight: decodeMinimumSide)
            let (image, result) = decoded.image.trimmedToForeground(options: trimOptions)
            let scaleX = Double(decoded.originalSize.width) / Double(decoded.image.width)
            let scaleY = Double(decoded.originalSize.height) / Double(decoded.image.height)
            let box = result.box
            return PreparedProductPhoto(
                image: image,
                box: [Double(box.x) * scaleX, Double(box.y) * scaleY, Double(box.x + box.width) * scaleX, Double(box.y + box.height) * scaleY],
                width: decoded.originalSize.width, height: decoded.originalSize.height, background: result.background)
        } catch {
            throw .image(error)
        }
    }
}
