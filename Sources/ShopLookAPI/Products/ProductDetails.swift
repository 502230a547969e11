import ShopLookCore

/// `GET /v1/products/{id}`: a product, whether it was removed, its images with their pipeline state, and the
/// articles found in them.
public struct ProductDetails: Codable, Sendable, Equatable {
    /// One image of the product and where the pipeline is with it.
    public struct Image: Codable, Sendable, Equatable {
        public var imageID: String
        /// `new`, `pose_filtered`, `cropped`, `embedded`, `rejected` or `dead_lettered`.
        public var state: String
        /// Why the image was rejected or dead-lettered.
        public var reason: String?
        public var width: Int?
        public var height: Int?

        public init(imageID: String, state: String, reason: String? = nil, width: Int? = nil, height: Int? = nil) {
            self.imageID = imageID
            self.state = state
            self.reason = reason
            self.width = width
            self.height = height
        }

        enum CodingKeys: String, CodingKey {
            case imageID = "image_id", state, reason, width, height
        }
    }

    /// One article localised in one of the product's images.
    public struct Article: Codable, Sendable, Equatable {
        public var articleID: String
        public var imageID: String
        public var superCategory: String
        public var category: String?
        public var box: BoundingBox
        public var score: Double

        public init(articleID: String, imageID: String, superCategory: String, category: String?, box: BoundingBox, score: Double) {
            self.articleID = articleID
            self.imageID = imageID
            self.superCategory = superCategory
            self.category = category
            self.box = box
            self.score = score
        }

        enum CodingKeys: String, CodingKey {
            case articleID = "article_id", imageID = "image_id", superCategory = "super_category", category, box, score
        }
    }

    public var productID: String
    public var title: String?
    public var url: String?
    public var category: String?
    public var superCategory: String?
    public var removed: Bool
    /// When the product left the catalog (RFC 3339), if it did.
    public var removedAt: String?
    public var images: [Image]
    public var articles: [Article]

    public init(
        productID: String, title: String? = nil, url: String? = nil, category: String? = nil, superCategory: String? = nil,
        removed: Bool = false, removedAt: String? = nil, images: [Image] = [], articles: [Article] = []
    ) {
        self.productID = productID
        self.title = title
        self.url = url
        self.category = category
        self.superCategory = superCategory
        self.removed = removed
        self.removedAt = removedAt
        self.images = images
        self.articles = articles
    }

    enum CodingKeys: String, CodingKey {
        case productID = "product_id", title, url, category, superCategory = "super_category", removed, removedAt = "removed_at", images,
            articles
    }
}
