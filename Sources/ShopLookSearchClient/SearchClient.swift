import Logging
import ShopLookCore
import ShopLookSearch

/// Searches every shard: reads the directory, asks each owner for its shards (one request per owner, all at
/// once), and merges the answers of the directory's generations (``SearchMerge``).
///
/// When shards are missing and time remains, the directory is read once more (past any cache) and the shards whose location
/// changed (a rebalance in progress: a new owner, a new load) are asked of their new owners; then the merge
/// is taken. Shards still missing are reported with their reason and the result is partial. An owner's
/// failure makes its shards missing, it never fails the search; only the directory or bad arguments do.
public struct SearchClient: Sendable {
    public let directory: any ShardDirectoryReading
    public let transport: any SearchTransport
    public let shardCount: Int
    private let logger: Logger

    public init(
        directory: any ShardDirectoryReading,
        transport: any SearchTransport,
        shardCount: Int = ShopLookTopics.searchShardCount,
        logger: Logger = Logger(label: "shoplook.search-client")
    ) {
        self.directory = directory
        self.transport = transport
        self.shardCount = shardCount
        self.logger = logger
    }

    /// - Parameters:
    ///   - queries: at least one.
    ///   - k: hits wanted per query, 1–1000.
    ///   - deadline: the time the whole search may take; owners that have not answered by then count missing.
    public func search(queries: [SearchQuery], k: Int, deadline: Duration) async throws -> SearchResult {
        guard !queries.isEmpty else { throw SearchClientError.invalidArgument("no queries") }
        guard (1...1000).contains(k) else { throw SearchClientError.invalidArgument("k = \(k), expected 1–1000") }
        let end = ContinuousClock.now + deadline
        var merge = SearchMerge(shardCount: shardCount, queryCount: queries.count, k: k)

        let first = try await directory.locations()
        let allShards = 0..<shardCount
        let outcomes = await ask(SearchMerge.plan(shards: allShards, directory: first), queries: queries, k: k, deadline: end)
        try Task.checkCancellation()
        merge.record(shards: allShards, directory: first, outcomes: outcomes)

        let missing = merge.missingShards
        if !missing.isEmpty, ContinuousClock.now < end {
            let second = try await directory.refreshedLocations()
            let moved = missing.filter { second[$0] != nil && second[$0] != first[$0] }
            if !moved.isEmpty, ContinuousClock.now < end {
                logger.debug("asking the new owners of moved shards", metadata: ["shards": "\(moved)"])
                let retried = await ask(SearchMerge.plan(shards: moved, directory: second), queries: queries, k: k, deadline: end)
                try Task.checkCancellation()
                merge.record(shards: moved, directory: second, outcomes: retried)
            }
        }
        return merge.result()
    }

    /// Sends one request per owner, concurrently; returns each owner's response or error.
    private func ask(
        _ plan: [String: [ShardGeneration]], queries: [SearchQuery], k: Int, deadline: ContinuousClock.Instant
    ) async -> [String: Result<SearchResponse, SearchClientError>] {
        await withTaskGroup(of: (String, Result<SearchResponse, SearchClientError>).self) { group in
            for (owner, shards) in plan {
                let request = SearchRequest(shards: shards, queries: queries, k: k)
                group.addTask { [transport] in
                    do {
                        return (owner, .success(try await transport.search(request, owner: owner, deadline: deadline)))
                    } catch let error as SearchClientError {
                        return (owner, .failure(error))
                    } catch {
                        return (owner, .failure(.connectionClosed(owner: owner, reason: "\(error)")))
                    }
                }
            }
            var outcomes: [String: Result<SearchResponse, SearchClientError>] = [:]
            for await (owner, outcome) in group {
                if case .failure(let error) = outcome {
                    logger.debug("an owner failed", metadata: ["owner": "\(owner)", "error": "\(error)"])
                }
                outcomes[owner] = outcome
            }
            return outcomes
        }
    }
}
