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
        var http = URLRequest(url: URL(string: "http://\(owner)/v1/search")!)
        http.httpMethod = "POST"
        http.httpBody = try JSONEncoder().encode(request)
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
}
