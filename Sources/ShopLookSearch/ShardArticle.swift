import ShopLookCore

/// What a shard knows of an article besides its vector: enough to name the product in an answer and to
/// drop the article when its product leaves the catalog.
public struct ShardArticle: Sendable, Hashable, Codable {
    public var articleID: String
    public var imageID: String
    public var productID: String?
    public var superCategory: SuperCategory
    public var category: String
    public var modelVersion: String

    public init(articleID: String, imageID: String, productID: String?, superCategory: SuperCategory, category: String, modelVersion: String) {
        self.articleID = articleID
        self.imageID = imageID
        self.productID = productID
        self.superCategory = superCategory
        self.category = category
        self.modelVersion = modelVersion
    }

    /// The article an `embedded` message announces.
    public init(_ message: EmbeddedMessage) {
        self.init(
            articleID: message.articleID, imageID: message.imageID, productID: message.productID,
            superCategory: message.superCategory, category: message.category, modelVersion: message.modelVersion)
    }

    /// The index that holds its vector.
    public var indexKey: ShardIndexKey { ShardIndexKey(superCategory: superCategory, modelVersion: modelVersion) }
}

/// One of a shard's indexes: a super-category's vectors of one embedding model version.
public struct ShardIndexKey: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    public var superCategory: SuperCategory
    public var modelVersion: String

    public init(superCategory: SuperCategory, modelVersion: String) {
        self.superCategory = superCategory
        self.modelVersion = modelVersion
    }

    public var description: String { "\(superCategory.rawValue)@\(modelVersion)" }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.description < rhs.description }
}

/// One answer of a shard: an article and its exact cosine similarity to the query.
public struct ShardHit: Sendable, Hashable {
    public var article: ShardArticle
    public var score: Float

    public init(article: ShardArticle, score: Float) {
        self.article = article
        self.score = score
    }
}
