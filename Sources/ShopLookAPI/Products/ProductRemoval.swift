/// `DELETE /v1/products/{id}`: what was removed.
public struct ProductRemoval: Codable, Sendable, Equatable {
    public var productID: String
    /// Always `true`: the product is now out of the catalog.
    public var removed: Bool
    /// The product had been removed before (the tombstones were sent again, which changes nothing).
    public var alreadyRemoved: Bool
    /// Tombstones published on `embedded` (one per article no live product still shows).
    public var tombstones: Int

    public init(productID: String, alreadyRemoved: Bool, tombstones: Int) {
        self.productID = productID
        self.removed = true
        self.alreadyRemoved = alreadyRemoved
        self.tombstones = tombstones
    }

    enum CodingKeys: String, CodingKey {
        case productID = "product_id", removed, alreadyRemoved = "already_removed", tombstones
    }
}
