/// One garment detected and cropped out of an image.
public struct Article: Sendable, Equatable, Codable {
    /// Identifier of the article, 64 lowercase hex characters.
    public var articleID: String
    /// The coarse garment group.
    public var superCategory: SuperCategory
    /// The fine category from the detector (e.g. `"t-shirt"`).
    public var category: String
    /// Where the article is in the source image, in pixels.
    public var box: BoundingBox
    /// Detector confidence (0…1).
    public var score: Double
    /// Blob-store key of the cropped image, 64 lowercase hex characters.
    public var cropBlobKey: String
    /// `true` when the detect stage left the naming to the embed stage: `category` is the super-category's plain
    /// name until the embed stage names the crop from the ImageNet logits of its own centre-crop view (one model
    /// pass per view and crop). `nil` (absent from the message) otherwise.
    public var unnamed: Bool?

    /// Creates an article.
    public init(
        articleID: String, superCategory: SuperCategory, category: String, box: BoundingBox, score: Double, cropBlobKey: String,
        unnamed: Bool? = nil
    ) {
        self.articleID = articleID
        self.superCategory = superCategory
        self.category = category
        self.box = box
        self.score = score
        self.cropBlobKey = cropBlobKey
        self.unnamed = unnamed == true ? true : nil
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case articleID = "article_id"
        case superCategory = "super_category"
        case category
        case box
        case score
        case cropBlobKey = "crop_blob_key"
        case unnamed
    }
}
