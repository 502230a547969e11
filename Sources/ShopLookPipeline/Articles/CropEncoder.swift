import ShopLookImaging

/// How an article crop is stored: JPEG, scaled down so that its longer side is at most `maximumSide` (the embedder
/// works at 224²). The catalog's crops and a look's crops are stored, and embedded from the stored bytes, the same
/// way, so that their vectors compare.
public struct CropEncoder: Sendable {
    /// Longest side of a stored crop, in pixels.
    public var maximumSide = 512
    public var encoder = JPEGEncoder(quality: 90)

    public init() {}

    /// The JPEG bytes of a crop. The scaling filter is `.automatic`: bilinear for a mild reduction (most crops
    /// of a catalog photo are a little over `maximumSide`, where the area filter cost the detect stage 13% of its CPU
    /// for the same picture), the area filter from 2× down.
    public func encode(_ crop: RGBImage) throws(ImageError) -> [UInt8] {
        try encoder.encode(crop.resized(fittingWithin: maximumSide))
    }
}
