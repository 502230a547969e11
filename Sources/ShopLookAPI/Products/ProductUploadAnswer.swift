/// `POST /v1/products` (202): the product and the image its upload became.
public struct ProductUploadAnswer: Codable, Sendable, Equatable {
    public var productID: String
    /// The SHA-256 of the uploaded bytes.
    public var imageID: String
    /// The same bytes were uploaded before: the product is linked to that image and nothing new enters the
    /// pipeline (unless the earlier upload never left state `new`: then ``requeued``).
    public var duplicate: Bool
    /// The earlier upload's `new-image` message was produced again.
    public var requeued: Bool

    public init(productID: String, imageID: String, duplicate: Bool, requeued: Bool) {
        self.productID = productID
        self.imageID = imageID
        self.duplicate = duplicate
        self.requeued = requeued
    }

    enum CodingKeys: String, CodingKey {
        case productID = "product_id", imageID = "image_id", duplicate, requeued
    }
}
