import ShopLookSearch
import Testing

@testable import ShopLookSearchClient

struct CachedShardDirectoryTests {
    @Test func answersFromTheCacheUntilItAgesOrIsRefreshed() async throws {
        let source = ScriptedDirectory(locations("a:1", [0: 1]), locations("b:2", [0: 2]), locations("c:3", [0: 3]))
        let cached = CachedShardDirectory(source, maximumAge: .seconds(3600))
        #expect(try await cached.locations() == locations("a:1", [0: 1]))
        #expect(try await cached.locations() == locations("a:1", [0: 1]), "within the age: no read")
        #expect(source.reads == 1)
        #expect(try await cached.refreshedLocations() == locations("b:2", [0: 2]), "a refresh reads the source")
        #expect(try await cached.locations() == locations("b:2", [0: 2]), "and renews the cache")
        #expect(source.reads == 2)

        let aging = CachedShardDirectory(source, maximumAge: .zero)
        _ = try await aging.locations()
        _ = try await aging.locations()
        #expect(source.reads == 4, "an entry of age zero is always read again")
    }

    @Test func aSearchWithAStaleEntryAsksTheNewOwnerAfterARefresh() async throws {
        // The cache still names owner a for shard 1; the source already says b. a does not hold shard 1 any more.
        let source = ScriptedDirectory(locations("a:1", [0: 1, 1: 1]), [0: ShardLocation(owner: "a:1", generation: 1), 1: ShardLocation(owner: "b:2", generation: 2)])
        let cached = CachedShardDirectory(source, maximumAge: .seconds(3600))
        _ = try await cached.locations()
        let transport = RecordingTransport(held: ["a:1": [ShardGeneration(shard: 0, generation: 1)], "b:2": [ShardGeneration(shard: 1, generation: 2)]])
        let client = SearchClient(directory: cached, transport: transport, shardCount: 2)
        // A generous deadline: on a starved machine (tests share two cores) the second round must still fit.
        let result = try await client.search(queries: [SearchQuery(superCategory: .upper, modelVersion: "v", vector: [1, 0])], k: 5, deadline: .seconds(600))
        #expect(!result.isPartial && result.answeredShards == [0, 1])
        #expect(source.reads == 2)
    }
}

/// Owners that answer for the shards they hold (with their generations), one hit each.
final class RecordingTransport: SearchTransport {
    let held: [String: [ShardGeneration]]

    init(held: [String: [ShardGeneration]]) {
        self.held = held
    }

    func search(_ request: SearchRequest, owner: String, deadline: ContinuousClock.Instant) async throws -> SearchResponse {
        let holds = Set(held[owner] ?? [])
        return SearchResponse(answers: request.shards.filter { holds.contains($0) }.map { shard in
            ShardAnswer(shard: shard.shard, generation: shard.generation, hits: request.queries.map { _ in
                [WireHit(articleID: String(repeating: String(shard.shard), count: 64), imageID: "i", productID: nil, category: "c", score: 0.5)]
            })
        })
    }
}
