import Foundation

/// Published to `new-image` when an image is uploaded: the pose stage's input.
public struct NewImageMessage: ShopLookMessage, Equatable {
    /// Validated against `Schemas/new-image.schema.json`.
    public static let schemaName = "new-image"
    /// The format version written and read by this code.
    public static let currentVersion = 1

    /// Message format version (always ``currentVersion`` when created by this code).
    public var version: Int
    /// SHA-256 of the image bytes, 64 lowercase hex characters.
    public var imageID: String
    /// Blob-store key of the image bytes, 64 lowercase hex characters.
    public var blobKey: String
    /// Whether this is a catalog image or a shopper's query.
    public var source: ImageSource
    /// The catalog product the image belongs to, if any.
    public var productID: String?
    /// The catalog category (e.g. `"t-shirt"`), if known.
    public var category: String?
    /// The coarse garment group, if known.
    public var superCategory: SuperCategory?
    /// Size of the image file in bytes (≥ 1).
    public var byteSize: Int
    /// When the image was uploaded.
    public var uploadedAt: Date

    /// Creates a message at the current version.
    public init(
        imageID: String,
        blobKey: String,
        source: ImageSource,
        productID: String? = nil,
        category: String? = nil,
        superCategory: SuperCategory? = nil,
        byteSize: Int,
        uploadedAt: Date,
        version: Int = Self.currentVersion
    ) {
        self.version = version
        self.imageID = imageID
        self.blobKey = blobKey
        self.source = source
        self.productID = productID
        self.category = category
        self.superCategory = superCategory
        self.byteSize = byteSize
        self.uploadedAt = uploadedAt
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case version
        case imageID = "image_id"
        case blobKey = "blob_key"
        case source
        case productID = "product_id"
        case category
        case superCategory = "super_category"
        case byteSize = "byte_size"
        case uploadedAt = "uploaded_at"
    }
}
