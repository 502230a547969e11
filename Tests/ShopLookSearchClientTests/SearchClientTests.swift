import ShopLookCore
import ShopLookSearch
import Synchronization
import Testing

@testable import ShopLookSearchClient

/// A directory that returns its readings in turn (the last one again when they run out) and counts reads.
final class ScriptedDirectory: ShardDirectoryReading {
    private let state: Mutex<(readings: [[Int: ShardLocation]], reads: Int)>

    init(_ readings: [Int: ShardLocation]...) {
        state = Mutex((readings, 0))
    }

    var reads: Int { state.withLock { $0.reads } }

    func locations() async throws -> [Int: ShardLocation] {
        state.withLock { state in
            state.reads += 1
            return state.readings.count > 1 ? state.readings.removeFirst() : state.readings[0]
        }
    }
}

func locations(_ owner: String, _ shards: [Int: Int64]) -> [Int: ShardLocation] {
    shards.mapValues { ShardLocation(owner: owner, generation: $0) }
}

@Suite(.timeLimit(.minutes(1)))
struct SearchClientTests {
    let queries = [
        SearchQuery(superCategory: .upper, modelVersion: "test-v1", vector: [1, 0, 0, 0]),
        SearchQuery(superCategory: .lower, modelVersion: "test-v1", vector: [0, 1, 0, 0]),
        SearchQuery(superCategory: .foot, modelVersion: "test-v1", vector: [0, 0, 1, 0], categories: ["sneaker"]),
    ]

    @Test func mergesEveryShardFromTwoOwners() async throws {
        try await withTestServer(searcherAnswer(held: [0: 1, 1: 1, 2: 1, 3: 1])) { a in
            try await withTestServer(searcherAnswer(held: [4: 2, 5: 2, 6: 2, 7: 2])) { b in
                let directory = ScriptedDirectory(locations(a.owner, [0: 1, 1: 1, 2: 1, 3: 1]).merging(locations(b.owner, [4: 2, 5: 2, 6: 2, 7: 2])) { x, _ in x })
                let transport = HTTPSearchTransport()
                let client = SearchClient(directory: directory, transport: transport)
                let result = try await client.search(queries: queries, k: 3, deadline: .seconds(30))
                #expect(!result.isPartial)
                #expect(result.answeredShards == Array(0..<8))
                #expect(result.hits.count == 3)
                // Every shard's best hit scores 1 - 0.01 * shard: the top 3 come from shards 0, 1, 2.
                #expect(result.hits[2].map(\.articleID) == ["s0-q2-0", "s1-q2-0", "s2-q2-0"])
                #expect(result.hits[2].map(\.shard) == [0, 1, 2])
                #expect(directory.reads == 1)
                #expect(a.requests.count == 1 && b.requests.count == 1)
                #expect(a.requests[0].shards.map(\.shard) == [0, 1, 2, 3] && a.requests[0].queries == queries)

                // Latency over loopback with warm connections (one request per owner, 3 queries).
                var samples: [Duration] = []
                for _ in 0..<200 {
                    let start = ContinuousClock.now
                    _ = try await client.search(queries: queries, k: 10, deadline: .seconds(30))
                    samples.append(ContinuousClock.now - start)
                }
                samples.sort()
                print("SearchClient round trip over loopback, 2 owners, 8 shards, 3 queries, k 10: median \(samples[100]), p90 \(samples[180]), min \(samples[0])")
                #expect(a.connections == 1 && b.connections == 1)
                await transport.shutdown()
            }
        }
    }

    @Test func asksTheNewOwnerOfAShardThatMoved() async throws {
        // Shard 7 moved from b (which has revoked it) to a with generation 9 after the first directory read.
        try await withTestServer(searcherAnswer(held: [0: 1, 7: 9])) { a in
            try await withTestServer(searcherAnswer(held: [1: 1])) { b in
                let first = locations(a.owner, [0: 1]).merging(locations(b.owner, [1: 1, 7: 1])) { x, _ in x }
                let second = locations(a.owner, [0: 1, 7: 9]).merging(locations(b.owner, [1: 1])) { x, _ in x }
                let directory = ScriptedDirectory(first, second)
                let transport = HTTPSearchTransport()
                let client = SearchClient(directory: directory, transport: transport, shardCount: 8)
                let result = try await client.search(queries: queries, k: 2, deadline: .seconds(30))
                #expect(result.answeredShards == [0, 1, 7])
                #expect(result.missingShards.map(\.shard) == [2, 3, 4, 5, 6])
                #expect(result.missingShards.allSatisfy { $0.reason == .noOwner })
                #expect(result.isPartial)
                #expect(directory.reads == 2)
                #expect(a.requests.count == 2)
                #expect(a.requests[1].shards == [ShardGeneration(shard: 7, generation: 9)])
                #expect(b.requests.count == 1)
                await transport.shutdown()
            }
        }
    }

    @Test func reportsAnUnreachableOwnerAndAStaleGeneration() async throws {
        let gone = try await TestSearchServer.start(searcherAnswer(held: [:]))
        let goneOwner = gone.owner
        await gone.stop()
        try await withTestServer(searcherAnswer(held: [0: 5])) { a in
            let directory = ScriptedDirectory(locations(a.owner, [0: 5, 1: 6]).merging(locations(goneOwner, [2: 1])) { x, _ in x })
            let transport = HTTPSearchTransport()
            let client = SearchClient(directory: directory, transport: transport, shardCount: 4)
            let result = try await client.search(queries: queries, k: 2, deadline: .seconds(30))
            #expect(result.answeredShards == [0])
            #expect(result.missingShards.map(\.shard) == [1, 2, 3])
            #expect(result.missingShards[0].reason == .notHeld(owner: a.owner))
            guard case .ownerFailed(.connectionFailed(goneOwner, _)) = result.missingShards[1].reason else {
                Issue.record("expected a connection failure, got \(result.missingShards[1])")
                return
            }
            #expect(result.missingShards[2].reason == .noOwner)
            // The directory did not change: nothing moved, so nobody is asked again.
            #expect(directory.reads == 2 && a.requests.count == 1)
            await transport.shutdown()
        }
    }

    @Test func refusesBadArguments() async throws {
        let client = SearchClient(directory: ScriptedDirectory([:]), transport: HTTPSearchTransport())
        await #expect(throws: SearchClientError.invalidArgument("no queries")) {
            try await client.search(queries: [], k: 10, deadline: .seconds(1))
        }
        await #expect(throws: SearchClientError.self) { try await client.search(queries: queries, k: 0, deadline: .seconds(1)) }
    }
}
