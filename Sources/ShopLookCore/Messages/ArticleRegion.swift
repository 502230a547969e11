/// Where one article is in a full-body photo, before it is cut out: proposed by the pose stage (which holds the
/// landmarks and the person mask), cropped by the detect stage.
public struct ArticleRegion: Sendable, Equatable, Codable {
    /// The coarse garment group.
    public var superCategory: SuperCategory
    /// In displayed-image pixels, clipped to the image.
    public var box: BoundingBox
    /// How sure the landmarks the box is built from are (0…1).
    public var score: Double

    /// Creates a region.
    public init(superCategory: SuperCategory, box: BoundingBox, score: Double) {
        self.superCategory = superCategory
        self.box = box
        self.score = score
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case superCategory = "super_category"
        case box
        case score
    }
}
