import Foundation
import ShopLookBlobStore
import ShopLookCore
import ShopLookPipeline
import ShopLookPostgres

/// The catalog in PostgreSQL: uploads go through the pipeline's ``CatalogIngestor`` and removals through
/// ``ProductRemover`` (the code behind `shoplook ingest` and `shoplook remove`); reads are plain queries.
public struct PostgresProductCatalog: ProductCatalog {
    let pool: PostgresPool
    let ingestor: CatalogIngestor
    let remover: ProductRemover

    public init(_ infrastructure: APIInfrastructure) {
        pool = infrastructure.pool
        ingestor = CatalogIngestor(
            store: infrastructure.blobs, pool: infrastructure.pool, producer: infrastructure.producer, codec: infrastructure.codec,
            topics: infrastructure.topics)
        remover = ProductRemover(pool: infrastructure.pool, producer: infrastructure.producer, topics: infrastructure.topics)
    }

    public func ingest(_ upload: CatalogUpload) async throws -> IngestReceipt {
        try await ingestor.ingest(upload)
    }

    public func remove(productID: String) async throws -> ProductRemoval? {
        let before = try await pool.retrying { connection in
            try await connection.query("SELECT removed_at IS NOT NULL FROM products WHERE product_id = $1", [productID])
                .map { try $0.decode(Bool.self, at: 0) }.first
        }
        guard let alreadyRemoved = before else { return nil }
        let report = try await remover.remove([productID])
        guard report.removed.contains(productID) else { return nil }
        return ProductRemoval(productID: productID, alreadyRemoved: alreadyRemoved, tombstones: report.tombstones.values.reduce(0, +))
    }

    public func product(_ productID: String) async throws -> ProductDetails? {
        try await pool.retrying { connection in
            guard let row = try await connection.query(
                "SELECT title, url, category, super_category, removed_at FROM products WHERE product_id = $1", [productID]).first
            else { return nil }
            let removedAt = try row.decode(Date?.self, at: 4)
            var product = ProductDetails(
                productID: productID, title: try row.decode(String?.self, at: 0), url: try row.decode(String?.self, at: 1),
                category: try row.decode(String?.self, at: 2), superCategory: try row.decode(String?.self, at: 3),
                removed: removedAt != nil, removedAt: removedAt.map(RFC3339.string(from:)))
            product.images = try await connection.query(
                """
                SELECT i.image_id, i.state, i.state_reason, i.width, i.height FROM product_images pi
                JOIN images i ON i.image_id = pi.image_id WHERE pi.product_id = $1 ORDER BY pi.created_at, i.image_id
                """, [productID]
            ).map { row in
                ProductDetails.Image(
                    imageID: try row.decode(String.self, at: 0), state: try row.decode(String.self, at: 1),
                    reason: try row.decode(String?.self, at: 2), width: try row.decode(Int?.self, at: 3), height: try row.decode(Int?.self, at: 4))
            }
            product.articles = try await connection.query(
                """
                SELECT a.article_id, a.image_id, a.super_category, a.category, a.x0, a.y0, a.x1, a.y1, a.score FROM product_images pi
                JOIN articles a ON a.image_id = pi.image_id WHERE pi.product_id = $1
                ORDER BY pi.created_at, a.image_id, a.super_category, a.ordinal
                """, [productID]
            ).map { row in
                ProductDetails.Article(
                    articleID: try row.decode(String.self, at: 0), imageID: try row.decode(String.self, at: 1),
                    superCategory: try row.decode(String.self, at: 2), category: try row.decode(String?.self, at: 3),
                    box: BoundingBox(
                        x0: try row.decode(Double.self, at: 4), y0: try row.decode(Double.self, at: 5), x1: try row.decode(Double.self, at: 6),
                        y1: try row.decode(Double.self, at: 7)),
                    score: try row.decode(Double.self, at: 8))
            }
            return product
        }
    }

    public func firstImage(ofProduct productID: String) async throws -> ProductImageLookup {
        let row = try await pool.retrying { connection in
            try await connection.query(
                """
                SELECT i.image_id, i.blob_key FROM products p
                LEFT JOIN LATERAL (
                    SELECT i.image_id, i.blob_key FROM product_images pi JOIN images i ON i.image_id = pi.image_id
                    WHERE pi.product_id = p.product_id ORDER BY pi.created_at, i.image_id LIMIT 1
                ) i ON true
                WHERE p.product_id = $1
                """, [productID]
            ).map { (imageID: try $0.decode(String?.self, at: 0), blobKey: try $0.decode(String?.self, at: 1)) }.first
        }
        guard let row else { return .unknownProduct }
        guard let imageID = row.imageID, let blobKey = row.blobKey else { return .noImage }
        return .image(imageID: imageID, blob: try BlobKey(blobKey))
    }

    public func imageBlob(_ imageID: String) async throws -> BlobKey? {
        try await blobKey("SELECT blob_key FROM images WHERE image_id = $1", imageID)
    }

    public func articleCropBlob(_ articleID: String) async throws -> BlobKey? {
        try await blobKey("SELECT crop_blob_key FROM articles WHERE article_id = $1", articleID)
    }

    private func blobKey(_ sql: String, _ id: String) async throws -> BlobKey? {
        let key = try await pool.retrying { connection in
            try await connection.query(sql, [id]).map { try $0.decode(String.self, at: 0) }.first
        }
        return try key.map { try BlobKey($0) }
    }
}
