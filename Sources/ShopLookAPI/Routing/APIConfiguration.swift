import ShopLookImaging

/// The API's limits and settings.
public struct APIConfiguration: Sendable {
    /// The largest request body taken, in bytes; a larger one is answered 413. Default: catalog ingest's limit
    /// (``ImageLimits/maxBytes``).
    public var maximumBodyBytes: Int
    /// The token writes need; `nil`: writes are open (the executable warns once).
    public var token: APIToken?
    /// What an uploaded image may be (byte size, pixels, sides): the pipeline's decoder limits, so nothing is
    /// taken in that its stages would dead-letter for its size.
    public var imageLimits: ImageLimits
    /// The longest side of a product thumbnail, in pixels.
    public var thumbnailSide: Int
    /// How long clients may cache a thumbnail (`Cache-Control: max-age`), in seconds. Images and crops are
    /// content-addressed and cached for a year, immutable.
    public var thumbnailMaxAge: Int

    public init(
        maximumBodyBytes: Int = ImageLimits.default.maxBytes, token: APIToken? = nil, imageLimits: ImageLimits = .default,
        thumbnailSide: Int = 320, thumbnailMaxAge: Int = 7 * 24 * 3600
    ) {
        self.maximumBodyBytes = maximumBodyBytes
        self.token = token
        self.imageLimits = imageLimits
        self.thumbnailSide = thumbnailSide
        self.thumbnailMaxAge = thumbnailMaxAge
    }
}
