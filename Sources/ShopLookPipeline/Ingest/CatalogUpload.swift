import ShopLookCore

/// One catalog upload held in memory: the image's bytes and the product it shows (what the HTTP API receives;
/// ``IngestItem`` is the same for a file on disk).
public struct CatalogUpload: Sendable, Equatable {
    public var bytes: [UInt8]
    public var productID: String
    public var title: String?
    public var url: String?
    public var category: String?
    /// The product's super-category when the catalog says it; otherwise the one ``CategoryTaxonomy`` gives the
    /// category, if any.
    public var superCategory: SuperCategory?

    public init(
        bytes: [UInt8], productID: String, title: String? = nil, url: String? = nil, category: String? = nil,
        superCategory: SuperCategory? = nil
    ) {
        self.bytes = bytes
        self.productID = productID
        self.title = title
        self.url = url
        self.category = category
        self.superCategory = superCategory
    }
}

/// What ``CatalogIngestor`` did with one in-memory upload (``CatalogUpload``), and the image id it stored it as.
public struct IngestReceipt: Sendable, Equatable {
    public var result: IngestResult
    /// The SHA-256 of the bytes (the image id); `nil` when the upload was rejected before it was stored.
    public var imageID: String?

    public init(result: IngestResult, imageID: String?) {
        self.result = result
        self.imageID = imageID
    }
}
