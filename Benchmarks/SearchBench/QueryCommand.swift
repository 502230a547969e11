import ArgumentParser
import Foundation
import Logging
import ShopLookCommandSupport
import ShopLookCore
import ShopLookPostgres
import ShopLookSearch
import ShopLookSearchClient

/// Times 3-article searches (one query per super-category, held-out vectors of the synthetic catalog) through
/// the searchers with the search client: latency one search at a time (`--searches`, 0 for none), then throughput
/// with concurrent callers (`--seconds`, 0 for none).
struct QueryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "query", abstract: "Search latency and searches/s through the searchers.")

    @OptionGroup var database: DatabaseOptions
    @Option var vectors = 1_000_000
    @Option var dimension = 256
    @Option var shards = 8
    @Option var searches = 1000
    @Option var k = 10
    @Option var seconds = 10.0
    @Option var concurrency = 4

    func run() async throws {
        var logger = Logger(label: "search-bench")
        logger.logLevel = .error
        let catalog = SyntheticCatalog(dimension: dimension)
        let pool = PostgresPool(configuration: try database.configuration(), maximumConnections: 2, logger: logger)
        let transport = HTTPSearchTransport(logger: logger)
        let client = SearchClient(directory: CachedShardDirectory(ShardDirectory(pool: pool)), transport: transport, shardCount: shards, logger: logger)
        let base = (vectors + 2) / 3 * 3
        let queries = (0..<max(searches, 64)).map { search in
            (0..<3).map { offset in
                let index = base + search * 3 + offset
                return SearchQuery(superCategory: catalog.superCategory(index), modelVersion: SyntheticCatalog.modelVersion, vector: catalog.vector(index))
            }
        }
        for warm in 0..<20 { _ = try await client.search(queries: queries[warm % queries.count], k: k, deadline: .seconds(5)) }
        var latencies = Latencies()
        var partial = 0
        for search in 0..<searches {
            let started = ContinuousClock.now
            let result = try await client.search(queries: queries[search], k: k, deadline: .seconds(5))
            latencies.record(ContinuousClock.now - started)
            if result.isPartial { partial += 1 }
        }
        var result: [String: Any] = ["searches": searches, "partial_searches": partial]
        if searches > 0 {
            result["search_p50_ms"] = latencies.percentile(50)
            result["search_p99_ms"] = latencies.percentile(99)
        }
        guard seconds > 0 else {
            await transport.shutdown()
            await pool.close()
            printJSON(result)
            return
        }
        let k = self.k, concurrency = self.concurrency
        let end = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
        let started = ContinuousClock.now
        let completed = try await withThrowingTaskGroup(of: Int.self) { group in
            for caller in 0..<concurrency {
                group.addTask {
                    var search = caller, done = 0
                    while ContinuousClock.now < end {
                        _ = try await client.search(queries: queries[search % queries.count], k: k, deadline: .seconds(5))
                        done += 1
                        search += concurrency
                    }
                    return done
                }
            }
            return try await group.reduce(0, +)
        }
        let elapsed = (ContinuousClock.now - started).seconds
        await transport.shutdown()
        await pool.close()
        result["searches_per_second"] = Double(completed) / elapsed
        result["concurrency"] = concurrency
        printJSON(result)
    }
}
