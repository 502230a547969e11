import ArgumentParser
import Foundation
import Logging
import ShopLookCommandSupport
import ShopLookCore
import ShopLookPostgres
import ShopLookSearch
import ShopLookSearchClient

/// Upload → searchable: while the catalog fleet embeds uploaded photos, searches every new article's vector
/// until the searchers return the article itself, and takes the time from its image's upload (`images.created_at`).
struct WatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "watch", abstract: "Upload → searchable latency of the photos uploaded after --since.")

    @OptionGroup var database: DatabaseOptions
    @Option(help: "Photos uploaded after this PostgreSQL timestamp count.") var since: String
    @Option(help: "Photos expected.") var photos: Int
    @Option var shards = 8
    @Option var timeout = 600.0

    func run() async throws {
        var logger = Logger(label: "search-bench")
        logger.logLevel = .error
        let pool = PostgresPool(configuration: try database.configuration(), maximumConnections: 2, logger: logger)
        let transport = HTTPSearchTransport(logger: logger)
        let client = SearchClient(directory: CachedShardDirectory(ShardDirectory(pool: pool)), transport: transport, shardCount: shards, logger: logger)
        var latencies = Latencies()
        var found: Set<String> = []
        let deadline = ContinuousClock.now + .milliseconds(Int64(timeout * 1000))
        while ContinuousClock.now < deadline {
            let (pending, terminal) = try await pool.withConnection { connection in
                let rows = try await connection.query(
                    """
                    SELECT v.article_id, v.model_version, v.super_category, v.vector, i.created_at
                    FROM vectors v JOIN articles a ON a.article_id = v.article_id JOIN images i ON i.image_id = a.image_id
                    WHERE i.created_at > $1::timestamptz AND v.model_version <> $2
                    """, [since, SyntheticCatalog.modelVersion])
                let terminal = try await connection.query(
                    "SELECT count(*) FROM images WHERE created_at > $1::timestamptz AND state IN ('embedded', 'rejected', 'dead_lettered')", [since]
                )[0].decode(Int.self, at: 0)
                return (rows, terminal)
            }
            var left = 0
            for row in pending {
                let articleID = try row.decode(String.self, at: 0)
                guard !found.contains(articleID), let superCategory = SuperCategory(rawValue: try row.decode(String.self, at: 2)) else { continue }
                let query = SearchQuery(
                    superCategory: superCategory, modelVersion: try row.decode(String.self, at: 1),
                    vector: try row.decode(Float32Vector.self, at: 3).values)
                let result = try await client.search(queries: [query], k: 1, deadline: .seconds(2))
                if result.hits.first?.first?.articleID == articleID {
                    found.insert(articleID)
                    latencies.record(.milliseconds(Int64(Date().timeIntervalSince(try row.decode(Date.self, at: 4)) * 1000)))
                } else {
                    left += 1
                }
            }
            if terminal >= photos, left == 0, !pending.isEmpty { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        await transport.shutdown()
        await pool.close()
        printJSON([
            "upload_to_searchable_p50_s": latencies.percentile(50) / 1000, "upload_to_searchable_p99_s": latencies.percentile(99) / 1000,
            "searchable_articles": latencies.milliseconds.count,
        ])
    }
}
