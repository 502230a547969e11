import Foundation
import ShopLookAPI
import ShopLookBlobStore
import ShopLookCore
import ShopLookPipeline
import Synchronization

/// A ``ProductCatalog`` in memory over a real blob store, for the routes' unit tests: what the PostgreSQL one
/// stores, without PostgreSQL. `failure`, when set, is thrown by every call (an infrastructure fault).
final class InMemoryCatalog: ProductCatalog {
    struct State {
        var products: [String: ProductDetails] = [:]
        var images: [String: BlobKey] = [:]
        var crops: [String: BlobKey] = [:]
        var ingested: [CatalogUpload] = []
        var failure: (any Error & Sendable)?
    }

    let store: any BlobStore
    let state = Mutex(State())

    init(store: any BlobStore) {
        self.store = store
    }

    private func check() throws {
        if let failure = state.withLock({ $0.failure }) { throw failure }
    }

    func ingest(_ upload: CatalogUpload) async throws -> IngestReceipt {
        try check()
        let key = try await store.put(upload.bytes)
        return state.withLock { state in
            state.ingested.append(upload)
            let duplicate = state.images[key.rawValue] != nil
            state.images[key.rawValue] = key
            var product = state.products[upload.productID] ?? ProductDetails(productID: upload.productID)
            product.title = upload.title ?? product.title
            product.url = upload.url ?? product.url
            product.category = upload.category ?? product.category
            product.superCategory = (upload.superCategory ?? upload.category.flatMap(CategoryTaxonomy.superCategory(for:)))?.rawValue
                ?? product.superCategory
            if !product.images.contains(where: { $0.imageID == key.rawValue }) {
                product.images.append(ProductDetails.Image(imageID: key.rawValue, state: "new"))
            }
            state.products[upload.productID] = product
            return IngestReceipt(result: duplicate ? .duplicate(requeued: false) : .new, imageID: key.rawValue)
        }
    }

    func remove(productID: String) async throws -> ProductRemoval? {
        try check()
        return state.withLock { state in
            guard var product = state.products[productID] else { return nil }
            let already = product.removed
            product.removed = true
            product.removedAt = product.removedAt ?? "2026-01-01T00:00:00.000Z"
            state.products[productID] = product
            return ProductRemoval(productID: productID, alreadyRemoved: already, tombstones: product.articles.count)
        }
    }

    func product(_ productID: String) async throws -> ProductDetails? {
        try check()
        return state.withLock { $0.products[productID] }
    }

    func firstImage(ofProduct productID: String) async throws -> ProductImageLookup {
        try check()
        return state.withLock { state in
            guard let product = state.products[productID] else { return .unknownProduct }
            guard let first = product.images.first, let key = state.images[first.imageID] else { return .noImage }
            return .image(imageID: first.imageID, blob: key)
        }
    }

    func imageBlob(_ imageID: String) async throws -> BlobKey? {
        try check()
        return state.withLock { $0.images[imageID] }
    }

    func articleCropBlob(_ articleID: String) async throws -> BlobKey? {
        try check()
        return state.withLock { $0.crops[articleID] }
    }

    /// Adds an article with a crop stored in the blob store; returns its id.
    func addCrop(_ bytes: [UInt8]) async throws -> String {
        let key = try await store.put(bytes)
        let articleID = SHA256.hexDigest(Array("article of \(key.rawValue)".utf8))
        state.withLock { $0.crops[articleID] = key }
        return articleID
    }

    /// Adds a product without any image.
    func addProductWithoutImage(_ productID: String) {
        state.withLock { $0.products[productID] = ProductDetails(productID: productID, title: "no photo") }
    }
}
