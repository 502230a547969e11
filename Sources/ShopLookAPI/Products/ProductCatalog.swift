import ShopLookBlobStore
import ShopLookPipeline

/// The catalog as the API's routes see it: uploads and removals through the pipeline, and reads.
///
/// ``PostgresProductCatalog`` is the real one. Every method throws only for infrastructure failures; an unknown
/// id is `nil` (or ``ProductImageLookup/unknownProduct``), answered 404 by the routes.
public protocol ProductCatalog: Sendable {
    /// Takes an upload into the pipeline (blob, rows, `new-image`), as `shoplook ingest` does.
    func ingest(_ upload: CatalogUpload) async throws -> IngestReceipt
    /// Marks a product removed and publishes its articles' tombstones, as `shoplook remove` does; `nil` when the
    /// catalog does not know the product.
    func remove(productID: String) async throws -> ProductRemoval?
    /// A product with its images and articles; `nil` when unknown.
    func product(_ productID: String) async throws -> ProductDetails?
    /// A product's first image (the earliest linked, then the smallest image id).
    func firstImage(ofProduct productID: String) async throws -> ProductImageLookup
    /// The blob key of a stored image; `nil` when unknown.
    func imageBlob(_ imageID: String) async throws -> BlobKey?
    /// The blob key of a catalog article's crop; `nil` when unknown.
    func articleCropBlob(_ articleID: String) async throws -> BlobKey?
}

/// A product's first image, or why there is none.
public enum ProductImageLookup: Sendable, Equatable {
    case unknownProduct
    case noImage
    case image(imageID: String, blob: BlobKey)
}
