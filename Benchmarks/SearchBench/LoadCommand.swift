import ArgumentParser
import Foundation
import Logging
import ShopLookCommandSupport
import ShopLookCore
import ShopLookPostgres

/// Writes the synthetic catalog into PostgreSQL with binary COPY, as the catalog pipeline would have left it.
struct LoadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "load", abstract: "Write N synthetic articles (products, images, articles, vectors).")

    @OptionGroup var database: DatabaseOptions
    @Option var vectors = 1_000_000
    @Option var shards = 8
    @Option var dimension = 256
    @Option var batch = 20_000

    func run() async throws {
        let logger = Logger(label: "search-bench")
        let catalog = SyntheticCatalog(dimension: dimension)
        let pool = PostgresPool(configuration: try database.configuration(), maximumConnections: 1, logger: logger)
        let started = ContinuousClock.now
        for start in stride(from: 0, to: vectors, by: batch) {
            let range = start..<min(vectors, start + batch)
            try await pool.withConnection { connection in
                try await connection.transaction { connection in
                    try await Self.copy(range, catalog: catalog, shards: shards, on: connection)
                }
            }
            FileHandle.standardError.write(Data("loaded \(range.upperBound) of \(vectors)\r".utf8))
        }
        await pool.close()
        print(#"{"loaded": \#(vectors), "seconds": \#((ContinuousClock.now - started).seconds)}"#)
    }

    static func copy(_ range: Range<Int>, catalog: SyntheticCatalog, shards: Int, on connection: PostgresConnection) async throws {
        let products = Array(Set(range.map { catalog.productID($0) })).sorted()
        try await connection.copyIn(
            table: "products", columns: ["product_id", "title", "url", "category"],
            rows: products.map { [$0, "Bench product \($0)", "https://shop.example/\($0)", "bench"] })
        try await connection.copyIn(
            table: "images", columns: ["image_id", "blob_key", "source", "byte_size", "state"],
            rows: range.map { [catalog.imageID($0), catalog.imageID($0), "catalog", 1, "embedded"] })
        try await connection.copyIn(
            table: "product_images", columns: ["product_id", "image_id"], rows: range.map { [catalog.productID($0), catalog.imageID($0)] })
        try await connection.copyIn(
            table: "articles",
            columns: ["article_id", "image_id", "ordinal", "super_category", "category", "x0", "y0", "x1", "y1", "score", "crop_blob_key"],
            rows: range.map { index -> [(any PostgresEncodable)?] in
                [catalog.articleID(index), catalog.imageID(index), 0, catalog.superCategory(index).rawValue, "bench",
                 Float(0), Float(0), Float(10), Float(10), Float(1), catalog.imageID(index)]
            })
        try await connection.copyIn(
            table: "vectors", columns: ["article_id", "model_version", "super_category", "dim", "shard", "vector"],
            rows: range.lazy.map { index -> [(any PostgresEncodable)?] in
                let article = catalog.articleID(index)
                return [article, SyntheticCatalog.modelVersion, catalog.superCategory(index).rawValue, catalog.dimension,
                        ShardAssignment.shard(forArticleID: article, shardCount: shards), Float32Vector(values: catalog.vector(index))]
            })
    }
}
