import ShopLookSearch
@testable import ShopLookSearcher
import Testing

struct KeepingBestTests {
    func hit(_ id: String, _ score: Float) -> WireHit {
        WireHit(articleID: id, imageID: "i", productID: nil, category: "c", score: score)
    }

    @Test func keepsTheBestKOverTheShardsInTheirOwnLists() {
        let answers = [
            ShardAnswer(shard: 0, generation: 7, hits: [[hit("a", 0.9), hit("b", 0.5)], [hit("x", 0.1)]]),
            ShardAnswer(shard: 3, generation: 9, hits: [[hit("c", 0.8), hit("d", 0.7)], [hit("y", 0.3), hit("z", 0.2)]]),
        ]
        let kept = Searcher.keepingBest(2, of: answers)
        #expect(kept.map(\.shard) == [0, 3] && kept.map(\.generation) == [7, 9], "every answered shard stays, with its generation")
        #expect(kept[0].hits[0].map(\.articleID) == ["a"] && kept[1].hits[0].map(\.articleID) == ["c"])
        #expect(kept[0].hits[1].isEmpty && kept[1].hits[1].map(\.articleID) == ["y", "z"])
        #expect(Searcher.keepingBest(1, of: [answers[0]]) == [answers[0]], "one shard: nothing to cut")
    }
}
