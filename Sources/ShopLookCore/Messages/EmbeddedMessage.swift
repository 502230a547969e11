/// Published to `embedded` once an article's vector is stored in PostgreSQL.
///
/// The vector itself is not in the message; ``shard`` is also the Kafka partition
/// and the search shard that owns the article.
public struct EmbeddedMessage: ShopLookMessage, Equatable {
    /// Validated against `Schemas/embedded.schema.json`.
    public static let schemaName = "embedded"
    /// The format version written and read by this code.
    public static let currentVersion = 1

    /// Message format version.
    public var version: Int
    /// Identifier of the article, 64 lowercase hex characters.
    public var articleID: String
    /// SHA-256 of the source image bytes, 64 lowercase hex characters.
    public var imageID: String
    /// The catalog product the article belongs to, if any.
    public var productID: String?
    /// The coarse garment group.
    public var superCategory: SuperCategory
    /// The fine category (e.g. `"t-shirt"`).
    public var category: String
    /// Identifier of the embedding model that produced the vector (non-empty).
    public var modelVersion: String
    /// Vector dimension (≥ 1).
    public var dim: Int
    /// Search shard owning the article (≥ 0).
    public var shard: Int

    /// Creates a message at the current version.
    public init(
        articleID: String,
        imageID: String,
        productID: String? = nil,
        superCategory: SuperCategory,
        category: String,
        modelVersion: String,
        dim: Int,
        shard: Int,
        version: Int = Self.currentVersion
    ) {
        self.version = version
        self.articleID = articleID
        self.imageID = imageID
        self.productID = productID
        self.superCategory = superCategory
        self.category = category
        self.modelVersion = modelVersion
        self.dim = dim
        self.shard = shard
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case version
        case articleID = "article_id"
        case imageID = "image_id"
        case productID = "product_id"
        case superCategory = "super_category"
        case category
        case modelVersion = "model_version"
        case dim
        case shard
    }
}
