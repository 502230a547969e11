import ShopLookSearch
import Testing

@testable import ShopLookSearchClient

/// A hit of article `id` (any short string: the merge only compares ids).
func hit(_ id: String, _ score: Float) -> WireHit {
    WireHit(articleID: id, imageID: "img-\(id)", productID: "p-\(id)", category: "shirt", score: score)
}

struct SearchMergeTests {
    let a = "127.0.0.1:9501"
    let b = "127.0.0.1:9502"

    /// Shards 0 and 1 on `a` (generations 10, 11), shard 2 on `b` (generation 12).
    var directory: [Int: ShardLocation] {
        [0: ShardLocation(owner: a, generation: 10), 1: ShardLocation(owner: a, generation: 11), 2: ShardLocation(owner: b, generation: 12)]
    }

    @Test func plansOneRequestPerOwnerWithTheDirectorysGenerations() {
        let plan = SearchMerge.plan(shards: 0..<4, directory: directory)
        #expect(plan == [
            a: [ShardGeneration(shard: 0, generation: 10), ShardGeneration(shard: 1, generation: 11)],
            b: [ShardGeneration(shard: 2, generation: 12)],
        ])
    }

    @Test func mergesByScoreAcrossShardsAndCutsAtK() {
        var merge = SearchMerge(shardCount: 3, queryCount: 2, k: 3)
        merge.record(shards: 0..<3, directory: directory, outcomes: [
            a: .success(SearchResponse(answers: [
                ShardAnswer(shard: 0, generation: 10, hits: [[hit("a0", 0.9), hit("a1", 0.5)], [hit("q1a", 0.1)]]),
                ShardAnswer(shard: 1, generation: 11, hits: [[hit("b0", 0.8), hit("b1", 0.7)], []]),
            ])),
            b: .success(SearchResponse(answers: [
                ShardAnswer(shard: 2, generation: 12, hits: [[hit("c0", 0.95)], [hit("q1c", 0.3)]]),
            ])),
        ])
        let result = merge.result()
        #expect(result.hits[0].map(\.articleID) == ["c0", "a0", "b0"])
        #expect(result.hits[0].map(\.shard) == [2, 0, 1])
        #expect(result.hits[1].map(\.articleID) == ["q1c", "q1a"])
        #expect(result.hits[0][0] == SearchHit(articleID: "c0", imageID: "img-c0", productID: "p-c0", category: "shirt", score: 0.95, shard: 2))
        #expect(result.answeredShards == [0, 1, 2])
        #expect(result.missingShards.isEmpty)
        #expect(!result.isPartial)
    }

    @Test func tiesGoToTheSmallerArticleIDAndAnArticleAppearsOnce() {
        var merge = SearchMerge(shardCount: 3, queryCount: 1, k: 10)
        merge.record(shards: 0..<3, directory: directory, outcomes: [
            a: .success(SearchResponse(answers: [
                ShardAnswer(shard: 0, generation: 10, hits: [[hit("y", 0.5), hit("dup", 0.4)]]),
                ShardAnswer(shard: 1, generation: 11, hits: [[hit("x", 0.5), hit("dup", 0.6), hit("nan", .nan)]]),
            ])),
            b: .success(SearchResponse(answers: [ShardAnswer(shard: 2, generation: 12, hits: [[hit("dup", 0.6), hit("w", 0.5)]])])),
        ])
        let hits = merge.result().hits[0]
        #expect(hits.map(\.articleID) == ["dup", "w", "x", "y"])
        // The duplicate keeps its best score; between equal scores the smaller shard.
        #expect(hits[0].score == 0.6 && hits[0].shard == 1)
    }

    @Test func dropsAnAnswerOfAnotherGeneration() {
        var merge = SearchMerge(shardCount: 3, queryCount: 1, k: 10)
        var moved = directory
        moved[1] = ShardLocation(owner: a, generation: 14)
        merge.record(shards: 0..<3, directory: moved, outcomes: [
            a: .success(SearchResponse(answers: [
                ShardAnswer(shard: 0, generation: 10, hits: [[hit("a0", 0.9)]]),
                ShardAnswer(shard: 1, generation: 12, hits: [[hit("stale", 0.99)]]),
            ])),
            b: .success(SearchResponse(answers: [
                // Shard 1 answered by an owner the directory does not name for it: dropped, not counted twice.
                ShardAnswer(shard: 1, generation: 14, hits: [[hit("elsewhere", 0.98)]]),
                ShardAnswer(shard: 2, generation: 12, hits: [[hit("c0", 0.5)]]),
            ])),
        ])
        let result = merge.result()
        #expect(result.hits[0].map(\.articleID) == ["a0", "c0"])
        #expect(result.answeredShards == [0, 2])
        #expect(result.missingShards == [MissingShard(shard: 1, reason: .generationMismatch(owner: a, answered: 12, expected: 14))])
        #expect(result.missingShards[0].reason.description == "answer from a stale generation 12 (directory says 14)")
        #expect(result.isPartial)
    }

    @Test func reportsNoOwnerTimeOutNotHeldAndMalformed() {
        var merge = SearchMerge(shardCount: 5, queryCount: 1, k: 10)
        var locations = directory
        locations[3] = ShardLocation(owner: "127.0.0.1:9503", generation: 3)
        locations[4] = ShardLocation(owner: "127.0.0.1:9504", generation: 4)
        merge.record(shards: 0..<5, directory: locations, outcomes: [
            a: .success(SearchResponse(answers: [ShardAnswer(shard: 0, generation: 10, hits: [[hit("a0", 0.9)]])])),
            b: .failure(.timedOut(owner: b, after: .milliseconds(50))),
            "127.0.0.1:9503": .success(SearchResponse(answers: [ShardAnswer(shard: 3, generation: 3, hits: [[], []]) ])),
        ])
        let result = merge.result()
        #expect(result.answeredShards == [0])
        #expect(result.missingShards.map(\.shard) == [1, 2, 3, 4])
        #expect(result.missingShards.map(\.reason.description) == [
            "not held by its owner 127.0.0.1:9501",
            "owner 127.0.0.1:9502 timed out",
            "malformed answer from owner 127.0.0.1:9503: 2 hit lists for 1 queries",
            "no answer from owner 127.0.0.1:9504",
        ])

        var empty = SearchMerge(shardCount: 2, queryCount: 1, k: 10)
        empty.record(shards: 0..<2, directory: [:], outcomes: [:])
        #expect(empty.result().missingShards == [MissingShard(shard: 0, reason: .noOwner), MissingShard(shard: 1, reason: .noOwner)])
        #expect(empty.result().hits == [[]])
        #expect(MissingShard.Reason.noOwner.description == "no owner")
    }

    @Test func aSecondRoundFillsOnlyMissingShardsAndNeverCountsOneTwice() {
        var merge = SearchMerge(shardCount: 3, queryCount: 1, k: 10)
        merge.record(shards: 0..<3, directory: directory, outcomes: [
            a: .success(SearchResponse(answers: [ShardAnswer(shard: 0, generation: 10, hits: [[hit("a0", 0.9)]])])),
            b: .failure(.connectionFailed(owner: b, reason: "Connection refused")),
        ])
        #expect(merge.missingShards == [1, 2])
        // Rebalanced: shard 1 moved to b, shard 2 has no owner yet; b also (wrongly) answers shard 0.
        let second: [Int: ShardLocation] = [0: ShardLocation(owner: b, generation: 20), 1: ShardLocation(owner: b, generation: 21)]
        merge.record(shards: [0, 1, 2], directory: second, outcomes: [
            b: .success(SearchResponse(answers: [
                ShardAnswer(shard: 0, generation: 20, hits: [[hit("a0-again", 0.99)]]),
                ShardAnswer(shard: 1, generation: 21, hits: [[hit("b1", 0.7)]]),
            ])),
        ])
        let result = merge.result()
        #expect(result.hits[0].map(\.articleID) == ["a0", "b1"])
        #expect(result.answeredShards == [0, 1])
        #expect(result.missingShards == [MissingShard(shard: 2, reason: .noOwner)])
    }

    @Test func kLimitsEveryQuery() {
        var merge = SearchMerge(shardCount: 1, queryCount: 2, k: 2)
        merge.record(shards: [0], directory: [0: ShardLocation(owner: a, generation: 1)], outcomes: [
            a: .success(SearchResponse(answers: [
                ShardAnswer(shard: 0, generation: 1, hits: [[hit("1", 0.1), hit("2", 0.3), hit("3", 0.2)], [hit("4", 0.4)]])
            ])),
        ])
        let result = merge.result()
        #expect(result.hits.map { $0.map(\.articleID) } == [["2", "3"], ["4"]])
    }
}
