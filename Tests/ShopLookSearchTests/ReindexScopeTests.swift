import Foundation
import ShopLookCore
import ShopLookSearch
import Testing

/// The searcher's reading of a `POST /v1/reindex` body (``ReindexScope/decode(_:)``): what it rebuilds, and what it
/// refuses (a 400 with the reason; a malformed body used to escape the route as a 500).
@Suite struct ReindexScopeTests {
    func decode(_ text: String) throws(SearchError) -> ReindexScope {
        try ReindexScope.decode(Data(text.utf8))
    }

    func reason(_ text: String) -> String? {
        do {
            _ = try decode(text)
            return nil
        } catch {
            guard case .invalidRequest(let reason) = error else { return "not invalidRequest: \(error)" }
            return reason
        }
    }

    @Test func anEmptyBodyOrNullMembersRebuildEveryIndex() throws {
        #expect(try decode("") == ReindexScope())
        #expect(try decode("{}") == ReindexScope())
        #expect(try decode(#"{"shard":null,"super_category":null,"model_version":null}"#) == ReindexScope())
        #expect(try decode(#" {"shard":3,"super_category":"upper","model_version":"v1"} "#)
            == ReindexScope(shard: 3, superCategory: .upper, modelVersion: "v1"))
        #expect(try decode(#"{"shard":2147483647}"#).shard == 2_147_483_647)
    }

    @Test func aMemberOfAnotherNameIsRefusedNotIgnored() {
        // Ignored, `shards` made this a reindex of every index the searcher holds.
        #expect(reason(#"{"shards":[3]}"#)
            == #"malformed reindex request: at shards: unknown member "shards" (members: shard, super_category, model_version)"#)
    }

    @Test func valuesOutOfBoundsOrOfAnotherTypeAreRefusedWithTheirReason() {
        #expect(reason(#"{"shard":-1}"#) == "shard must be 0-2147483647, not -1")
        #expect(reason(#"{"shard":2147483648}"#) == "shard must be 0-2147483647, not 2147483648")
        #expect(reason(#"{"model_version":""}"#) == "model_version must be 1-128 characters")
        #expect(reason(#"{"model_version":"\#(String(repeating: "é", count: 129))"}"#) == "model_version must be 1-128 characters")
        #expect(reason(#"{"model_version":"\#(String(repeating: "é", count: 128))"}"#) == nil)
        #expect(reason(#"{"shard":"3"}"#)?.hasPrefix("malformed reindex request: at shard: ") == true)
        // Foundation's decoder calls a fraction where a whole number belongs invalid JSON (no path either): the
        // reason says what each member must be instead.
        #expect(reason(#"{"shard":2.5}"#)?.contains("shard must be a whole number") == true)
        // A member given twice is refused, not decided by whichever value the decoder keeps.
        #expect(reason(#"{"shard":1,"shard":2}"#)?.contains(#"duplicate object key "shard""#) == true)
        #expect(reason(#"{"shard":1,"#)?.hasPrefix("malformed reindex request: ") == true)
        #expect(reason(#"{"super_category":"hats"}"#)?.hasPrefix("malformed reindex request: at super_category: ") == true)
        #expect(reason("[3]")?.hasPrefix("malformed reindex request: ") == true)
        #expect(reason("shard=3")?.hasPrefix("malformed reindex request: ") == true)
    }

    @Test func aReasonQuotingTheBodyStaysOnePrintableLine() throws {
        let hostile = "{\"super_category\":\"x\\n\\u001b[2J\\u2028" + String(repeating: "y", count: 5000) + "\"}"
        let text = try #require(reason(hostile))
        #expect(!text.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x2028 }, "\(text.debugDescription)")
        #expect(text.unicodeScalars.count <= 330, "\(text.unicodeScalars.count) characters")
        let unknown = try #require(reason("{\"a\\u0007b\":1}"))
        #expect(unknown.contains(#"unknown member "a\u{7}b""#), "\(unknown)")
    }

    @Test func theScopeIncludesWhatItNamesAndNothingElse() {
        let upper = ShardIndexKey(superCategory: .upper, modelVersion: "v1")
        let lower = ShardIndexKey(superCategory: .lower, modelVersion: "v1")
        let v2 = ShardIndexKey(superCategory: .upper, modelVersion: "v2")
        #expect([upper, lower, v2].allSatisfy { ReindexScope().includes(shard: 7, key: $0) })
        let scope = ReindexScope(shard: 3, superCategory: .upper, modelVersion: "v1")
        #expect(scope.includes(shard: 3, key: upper))
        #expect(!scope.includes(shard: 2, key: upper) && !scope.includes(shard: 3, key: lower) && !scope.includes(shard: 3, key: v2))
        #expect(ReindexScope(superCategory: .lower).includes(shard: 0, key: lower))
    }
}
