import ShopLookImaging

/// How an article crop is stored: JPEG, scaled down so that its longer side is at most `maximumSide` (the embedder
/// works at 224²). The catalog's crops and a look's crops are stored, and embedded from the stored bytes, the same
/// way, so that their vectors compare.
public struct CropEncoder: Sendable {
    /// Longest side of a stored crop, in pixels.
    public var maximumSide = 512
    public var encoder = JPEGEncoder(quality: 90)

    public init() {}

    /// The JPEG bytes of a crop.
    public func encode(_ crop: RGBImage) throws(ImageError) -> [UInt8] {
        let longer = max(crop.width, crop.height)
        guard longer > maximumSide else { return try encoder.encode(crop) }
        let scale = Double(maximumSide) / Double(longer)
        let scaled = try crop.resized(width: max(1, Int((Double(crop.width) * scale).rounded())),
                                      height: max(1, Int((Double(crop.height) * scale).rounded())), filter: .area)
        return try encoder.encode(scaled)
    }
}
