/// Published to `cropped-articles` by the detect stage: the garments found in one image.
public struct CroppedArticlesMessage: ShopLookMessage, Equatable {
    /// Validated against `Schemas/cropped-articles.schema.json`.
    public static let schemaName = "cropped-articles"
    /// The format version written and read by this code.
    public static let currentVersion = 1

    /// Message format version.
    public var version: Int
    /// SHA-256 of the source image bytes, 64 lowercase hex characters.
    public var imageID: String
    /// Whether this is a catalog image or a shopper's query.
    public var source: ImageSource
    /// The catalog product the image belongs to, if any.
    public var productID: String?
    /// The detected articles (at least one; images with none produce no message).
    public var articles: [Article]

    /// Creates a message at the current version.
    public init(imageID: String, source: ImageSource, productID: String? = nil, articles: [Article], version: Int = Self.currentVersion) {
        self.version = version
        self.imageID = imageID
        self.source = source
        self.productID = productID
        self.articles = articles
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case version
        case imageID = "image_id"
        case source
        case productID = "product_id"
        case articles
    }
}
