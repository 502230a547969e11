import Foundation
import ShopLookCore
import ShopLookIndex
import ShopLookSearch

extension FuzzTarget {
    /// The bodies of `POST /v1/search`, the one request between the query side and the searchers: the
    /// ``SearchRequest`` a searcher reads and the ``SearchResponse`` the search client reads, each with Foundation's
    /// `JSONDecoder` as `SearcherRoutes` and `HTTPSearchTransport` use it.
    ///
    /// The first byte chooses the type (even: request, odd: response); the rest is the body. A request the searcher
    /// would accept is also answered from a small shard (``searchWireCatalog``), as the searcher answers it.
    static let searchWire = FuzzTarget(
        name: "search-wire",
        summary: """
            JSONDecoder of SearchRequest and SearchResponse: a refusal is a DecodingError; an accepted body encodes, \
            decodes back equal (vectors bit for bit) and encodes to the same bytes again; a request that passes \
            SearchRequest.validate() (else a SearchError.invalidRequest with a printable reason) is answered by a \
            shard's search with at most k hits per query, best first, only of the asked categories, a \
            dimension mismatch as IndexError.dimensionMismatch, and an answer that encodes as JSON
            """
    ) { (input) throws(FuzzFailure) in
        let check = Invariants(target: "search-wire")
        guard let selector = input.first else { return }
        let body = Data(input.dropFirst())
        if selector % 2 == 0 {
            guard let request = try roundTrip(SearchRequest.self, body, check: check) else { return }
            try checkAnswer(request, check: check)
        } else {
            _ = try roundTrip(SearchResponse.self, body, check: check)
        }
    }

    /// Decodes `body` as the services do; for an accepted body checks the round trip and returns the value.
    private static func roundTrip<T: Codable & Equatable>(_ type: T.Type, _ body: Data, check: Invariants) throws(FuzzFailure) -> T? {
        let value: T
        do {
            value = try JSONDecoder().decode(T.self, from: body)
        } catch is DecodingError {
            return nil
        } catch {
            throw check.failure("\(T.self): refused with an error that is not a DecodingError: \(error)")
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let encoded: Data
        do {
            encoded = try encoder.encode(value)
        } catch {
            throw check.failure("\(T.self): an accepted body cannot be encoded: \(error)")
        }
        let again: T
        do {
            again = try JSONDecoder().decode(T.self, from: encoded)
        } catch {
            throw check.failure("\(T.self): its own encoding is refused: \(error)")
        }
        let reencoded = try? encoder.encode(again)
        try check.require(reencoded == encoded, "\(T.self): encoding is not stable")
        // NaN is not equal to itself: a vector holding one compares by its bits, which the encoding above covers.
        try check.require(again == value || hasNaN(value), "\(T.self): read back from its encoding it differs")
        return value
    }

    private static func hasNaN<T>(_ value: T) -> Bool {
        guard let request = value as? SearchRequest else { return false }
        return request.queries.contains { $0.vector.values.contains { $0.isNaN } }
    }

    /// What the searcher does with a request: validates it, then searches each query in each shard it holds.
    private static func checkAnswer(_ request: SearchRequest, check: Invariants) throws(FuzzFailure) {
        do {
            try request.validate()
        } catch {
            guard case .invalidRequest(let reason) = error else { throw check.failure("validate() threw \(error)") }
            try check.require(!reason.isEmpty, "a refusal without a reason")
            try check.requirePrintable(reason, "the refusal")
            return
        }
        let catalog = searchWireCatalog
        var hits: [[WireHit]] = []
        for (position, query) in request.queries.enumerated() {
            let found: [ShardHit]
            do {
                found = try catalog.search(query.indexKey, query: query.vector.values, k: request.k, categories: query.categories.map(Set.init))
            } catch let error as IndexError {
                let dimension = catalog.index(query.indexKey)?.dimension
                try check.require(
                    error == .dimensionMismatch(expected: dimension ?? -1, actual: query.vector.values.count),
                    "query \(position): \(error) from an index of dimension \(dimension.map(String.init) ?? "none")")
                continue
            } catch {
                throw check.failure("query \(position): the search threw \(error)")
            }
            try check.require(found.count <= request.k, "query \(position): \(found.count) hits for k \(request.k)")
            if let categories = query.categories {
                try check.require(found.allSatisfy { categories.contains($0.article.category) }, "query \(position): a hit of a category not asked for")
            }
            try check.require(zip(found, found.dropFirst()).allSatisfy { !($0.score < $1.score) }, "query \(position): hits not best first")
            hits.append(found.map(WireHit.init))
        }
        // What the searcher answers (SearcherRoutes encodes it with JSONEncoder): it must be writable.
        let response = SearchResponse(answers: [ShardAnswer(shard: catalog.shard, generation: 1, hits: hits)])
        do {
            _ = try JSONEncoder().encode(response)
        } catch {
            throw check.failure("the answer to an accepted request cannot be encoded: \(error)")
        }
    }

    /// The shard the `search-wire` target searches: `upper@v1` in 8 dimensions (8 articles, categories `t-shirt` and
    /// `shirt`) and `lower@v1` in 4 (3 articles, `jeans`), exact indexes.
    static let searchWireCatalog: ShardCatalog = {
        let catalog = ShardCatalog(shard: 2)
        for index in 0..<11 {
            let upper = index < 8
            let dimension = upper ? 8 : 4
            let article = ShardArticle(
                articleID: SHA256.hexDigest(Array("article \(index)".utf8)), imageID: SHA256.hexDigest(Array("image \(index)".utf8)),
                productID: "P\(index)", superCategory: upper ? .upper : .lower, category: upper ? (index % 2 == 0 ? "t-shirt" : "shirt") : "jeans",
                modelVersion: "v1")
            let vector = (0..<dimension).map { Float(($0 * 7 + index * 3) % 11) - 5 }
            _ = try? catalog.upsert(article, vector: vector)
        }
        return catalog
    }()
}
