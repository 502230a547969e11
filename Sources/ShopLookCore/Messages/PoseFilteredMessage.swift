/// Published to `pose-filtered` by the pose stage: the image plus its pose verdict.
public struct PoseFilteredMessage: ShopLookMessage, Equatable {
    /// Validated against `Schemas/pose-filtered.schema.json`.
    public static let schemaName = "pose-filtered"
    /// The format version written and read by this code.
    public static let currentVersion = 1

    /// Message format version.
    public var version: Int
    /// SHA-256 of the image bytes, 64 lowercase hex characters.
    public var imageID: String
    /// Blob-store key of the image bytes, 64 lowercase hex characters.
    public var blobKey: String
    /// Whether this is a catalog image or a shopper's query.
    public var source: ImageSource
    /// The catalog product the image belongs to, if any.
    public var productID: String?
    /// The catalog category, if known.
    public var category: String?
    /// The coarse garment group, if known.
    public var superCategory: SuperCategory?
    /// Whether the image shows a person or only a product.
    public var kind: ImageKind
    /// The pose classification.
    public var verdict: PoseVerdict
    /// Confidence of ``verdict`` (0…1).
    public var score: Double
    /// Image width in pixels as displayed, i.e. after applying EXIF orientation (≥ 1).
    public var imageWidth: Int
    /// Image height in pixels as displayed, i.e. after applying EXIF orientation (≥ 1).
    public var imageHeight: Int
    /// Box around the detected person, in pixels, if one was found.
    public var personBox: BoundingBox?
    /// The 33 pose landmarks in pixels, if a person was found.
    public var landmarks: [Landmark]?
    /// Where the articles are (upper, lower, foot wear), for full-body frontal shots.
    public var regions: [ArticleRegion]?

    /// Creates a message at the current version.
    public init(
        imageID: String,
        blobKey: String,
        source: ImageSource,
        productID: String? = nil,
        category: String? = nil,
        superCategory: SuperCategory? = nil,
        kind: ImageKind,
        verdict: PoseVerdict,
        score: Double,
        imageWidth: Int,
        imageHeight: Int,
        personBox: BoundingBox? = nil,
        landmarks: [Landmark]? = nil,
        regions: [ArticleRegion]? = nil,
        version: Int = Self.currentVersion
    ) {
        self.version = version
        self.imageID = imageID
        self.blobKey = blobKey
        self.source = source
        self.productID = productID
        self.category = category
        self.superCategory = superCategory
        self.kind = kind
        self.verdict = verdict
        self.score = score
        self.imageWidth = imageWidth
        self.imageHeight = imageHeight
        self.personBox = personBox
        self.landmarks = landmarks
        self.regions = regions
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case version
        case imageID = "image_id"
        case blobKey = "blob_key"
        case source
        case productID = "product_id"
        case category
        case superCategory = "super_category"
        case kind
        case verdict
        case score
        case imageWidth = "image_width"
        case imageHeight = "image_height"
        case personBox = "person_box"
        case landmarks
        case regions
    }
}
