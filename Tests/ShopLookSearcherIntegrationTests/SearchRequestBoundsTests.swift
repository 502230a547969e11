import Foundation
import FoundationNetworking
import ShopLookCore
import ShopLookSearch
import ShopLookTestSupport
import Testing

/// `POST /v1/search` on a real searcher: a request out of bounds is a 400 with its reason, never a 500. The
/// search-wire fuzz target found a query vector holding a NaN answered with a 500 (the NaN scores cannot be written
/// as JSON); `SearchRequest.validate()`, which the searcher runs first, now refuses it.
@Suite(.serialized, .requiresDatabase, .requiresExecutables("shoplook-broker", "shoplook-searcher", "shoplook"))
struct SearchRequestBoundsTests {
    /// The status and body of a raw `POST /v1/search`.
    static func post(_ request: SearchRequest, to owner: String) async throws -> (status: Int, body: String) {
        try await post(try JSONEncoder().encode(request), to: owner, path: "v1/search")
    }

    /// The status and body of a raw POST of `body` to `path`.
    static func post(_ body: Data, to owner: String, path: String) async throws -> (status: Int, body: String) {
        var http = URLRequest(url: URL(string: "http://\(owner)/\(path)")!)
        http.httpMethod = "POST"
        http.httpBody = body
        http.setValue("application/json", forHTTPHeaderField: "Content-Type")
        http.timeoutInterval = 30
        let (data, response) = try await URLSession.shared.data(for: http)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    @Test func aQueryWithANaNOrAnInfinityIsA400AndTheSearcherGoesOnAnswering() async throws {
        try await SearcherFixture.with { fixture in
            try await fixture.insertArticles(0..<40)
            let (searcher, address) = try await fixture.startSearcher()
            defer { searcher.send(SIGKILL) }
            let directory = try await fixture.waitForDirectory("every shard published") { $0.count == SearcherFixture.shards }
            let shards = directory.sorted { $0.key < $1.key }.map { ShardGeneration(shard: $0.key, generation: $0.value.generation) }
            func request(_ vector: [Float], k: Int = 5, queries: Int = 1) -> SearchRequest {
                let query = SearchQuery(superCategory: .upper, modelVersion: SearcherFixture.modelVersion, vector: vector)
                return SearchRequest(shards: shards, queries: Array(repeating: query, count: queries), k: k)
            }
            var poisoned = SearcherFixture.vector(3)
            for (value, position) in [(Float.nan, 0), (.infinity, 5), (-.infinity, poisoned.count - 1)] {
                poisoned = SearcherFixture.vector(3)
                poisoned[position] = value
                let answer = try await Self.post(request(poisoned), to: address)
                #expect(answer.status == 400, "\(value): \(answer.body)")
                #expect(answer.body.contains("query 0 holds a value that is not a finite number at \(position)"), "\(answer.body)")
            }
            let outOfBounds = [
                (request(SearcherFixture.vector(3), k: 0), "k must be 1–1000"),
                (request(SearcherFixture.vector(3), queries: 65), "a request carries 1–64 queries"),
            ]
            for (bad, reason) in outOfBounds {
                let answer = try await Self.post(bad, to: address)
                #expect(answer.status == 400 && answer.body.contains(reason), "\(answer.body)")
            }
            // Finite values too large to square: every score is 0, and the answer is written.
            let huge = try await Self.post(request(Array(repeating: .greatestFiniteMagnitude, count: SearcherFixture.vector(3).count)), to: address)
            #expect(huge.status == 200, "\(huge.body)")
            // And the searcher still answers well-formed requests.
            let (hits, answered) = try await fixture.search(SearcherFixture.vector(3))
            #expect(answered == Array(0..<SearcherFixture.shards) && hits.first?.articleID == SearcherFixture.articleID(3))
        }
    }

    /// The message of the searcher's error answer, `{"error": {"message": "…"}}`.
    static func message(_ body: String) throws -> String {
        struct Answer: Decodable {
            struct Error: Decodable { var message: String }
            var error: Error
        }
        return try JSONDecoder().decode(Answer.self, from: Data(body.utf8)).error.message
    }

    /// No control character, line or paragraph separator.
    static func isOnePrintableLine(_ text: String) -> Bool {
        !text.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) || $0.value == 0x2028 || $0.value == 0x2029 }
    }

    /// `POST /v1/reindex` with a body the searcher cannot read was a 500 (the decoding error escaped the route), a
    /// member of another name was ignored (a reindex of everything), and the reasons quoted the body raw. Now: 400
    /// with a one-line reason (`ReindexScope`, fuzzed by the `reindex` target); a shard the searcher does not hold
    /// rebuilds nothing.
    @Test func aReindexBodyTheSearcherCannotReadIsA400WithAOneLineReason() async throws {
        try await SearcherFixture.with { fixture in
            try await fixture.insertArticles(0..<40)
            let (searcher, address) = try await fixture.startSearcher()
            defer { searcher.send(SIGKILL) }
            _ = try await fixture.waitForDirectory("every shard published") { $0.count == SearcherFixture.shards }
            let refused = [
                ("shard=3", "malformed reindex request: "),
                (#"{"shards":[3]}"#, #"unknown member "shards""#),
                (#"{"shard":-1}"#, "shard must be 0-2147483647, not -1"),
                (#"{"model_version":""}"#, "model_version must be 1-128 characters"),
                (#"{"super_category":"x\u001b[2J\n"}"#, "malformed reindex request: at super_category: "),
            ]
            for (body, reason) in refused {
                let answer = try await Self.post(Data(body.utf8), to: address, path: "v1/reindex")
                #expect(answer.status == 400, "\(body): \(answer.status) \(answer.body)")
                let message = try Self.message(answer.body)
                #expect(message.contains(reason) && Self.isOnePrintableLine(message), "\(body): \(message.debugDescription)")
            }
            // A search request with a control character in a value the decoder quotes: 400, the reason escaped.
            let search = #"{"shards":[],"k":1,"queries":[{"super_category":"x\u001b[2J","model_version":"v","vector":""}]}"#
            let answer = try await Self.post(Data(search.utf8), to: address, path: "v1/search")
            let message = try Self.message(answer.body)
            #expect(answer.status == 400 && message.hasPrefix("malformed SearchRequest: at queries.0.super_category: "), "\(answer.body)")
            #expect(Self.isOnePrintableLine(message), "\(message.debugDescription)")
            // A shard the searcher does not hold: nothing rebuilt.
            let none = try await Self.post(Data(#"{"shard":9}"#.utf8), to: address, path: "v1/reindex")
            #expect(none.status == 200 && none.body == "[]", "\(none.body)")
        }
    }
}
