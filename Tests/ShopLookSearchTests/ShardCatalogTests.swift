import ShopLookCore
@testable import ShopLookSearch
import Testing

struct ShardCatalogTests {
    static let dimension = 16

    func article(_ index: Int, product: String?, category: String = "t-shirt", version: String = "v1") -> ShardArticle {
        ShardArticle(
            articleID: SHA256.hexDigest(Array("article \(index)".utf8)), imageID: SHA256.hexDigest(Array("image \(index)".utf8)),
            productID: product, superCategory: .upper, category: category, modelVersion: version)
    }

    @Test func holdsEachModelVersionApartAndRemovesAProductWhole() throws {
        let vectors = clusteredVectors(count: 40, dimension: Self.dimension)
        let catalog = ShardCatalog(shard: 3)
        for i in 0..<40 {
            let product = "P\(i / 4)"
            try catalog.upsert(article(i, product: product), vector: row(vectors, i, dimension: Self.dimension))
            // The same article embedded by the next model version (blue/green) is a second vector.
            if i < 8 { try catalog.upsert(article(i, product: product, version: "v2"), vector: row(vectors, i, dimension: Self.dimension)) }
        }
        // A replay changes nothing.
        try catalog.upsert(article(0, product: "P0"), vector: row(vectors, 0, dimension: Self.dimension))
        #expect(catalog.count == 48)
        let v1 = ShardIndexKey(superCategory: .upper, modelVersion: "v1"), v2 = ShardIndexKey(superCategory: .upper, modelVersion: "v2")
        #expect(catalog.indexCounts == [v1: 40, v2: 8])

        #expect(catalog.removeProduct("P0") == 8, "four articles, each in two versions")
        #expect(catalog.removeProduct("P0") == 0)
        #expect(catalog.indexCounts == [v1: 36, v2: 4])
        let hits = try catalog.search(v1, query: row(vectors, 1, dimension: Self.dimension), k: 40)
        #expect(hits.count == 36 && !hits.contains { $0.article.productID == "P0" })
        #expect(try catalog.search(v1, query: row(vectors, 5, dimension: Self.dimension), k: 1).first?.article == article(5, product: "P1"))
        // A tombstone names an article: each of its model versions goes.
        #expect(catalog.removeArticle(article(5, product: "P1").articleID) == 2)
        #expect(catalog.removeArticle(article(5, product: "P1").articleID) == 0)
        #expect(catalog.indexCounts == [v1: 35, v2: 3] && catalog.removeProduct("P1") == 6, "articles 4, 6 and 7, each in two versions")
    }

    @Test func filtersByFineCategory() throws {
        let vectors = clusteredVectors(count: 30, dimension: Self.dimension)
        let catalog = ShardCatalog(shard: 0)
        for i in 0..<30 {
            try catalog.upsert(article(i, product: "P\(i)", category: i % 3 == 0 ? "shirt" : "t-shirt"), vector: row(vectors, i, dimension: Self.dimension))
        }
        let key = ShardIndexKey(superCategory: .upper, modelVersion: "v1")
        let shirts = try catalog.search(key, query: row(vectors, 1, dimension: Self.dimension), k: 5, categories: ["shirt"])
        #expect(shirts.count == 5 && shirts.allSatisfy { $0.article.category == "shirt" })
        #expect(zip(shirts, shirts.dropFirst()).allSatisfy { $0.score >= $1.score })
        #expect(try catalog.search(ShardIndexKey(superCategory: .foot, modelVersion: "v1"), query: row(vectors, 1, dimension: Self.dimension), k: 5).isEmpty)
    }

    @Test func aMovedProductLeavesItsOldProductAndOffsetsOnlyAdvance() throws {
        let catalog = ShardCatalog(shard: 1)
        let vector = [Float](repeating: 1, count: Self.dimension)
        try catalog.upsert(article(1, product: "old"), vector: vector)
        try catalog.upsert(article(1, product: "new"), vector: vector)
        #expect(catalog.removeProduct("old") == 0 && catalog.count == 1)
        #expect(catalog.removeProduct("new") == 1 && catalog.count == 0)
        #expect(throws: SearchError.self) { try catalog.upsert(article(2, product: nil).with(id: "nope"), vector: vector) }
        catalog.advance(to: 10)
        catalog.advance(to: 4)
        #expect(catalog.nextOffset == 10)
    }
}

extension ShardCatalogTests {
    @Test func aTombstoneRemovesAnIdTheIndexHoldsWithoutItsArticle() throws {
        // A rebuild from PostgreSQL can put a vector in the index before the shard applied its record (and the
        // record may then be skipped as no longer live): the tombstone must still take it out.
        let catalog = ShardCatalog(shard: 0)
        let vector = [Float](repeating: 1, count: Self.dimension)
        try catalog.upsert(article(1, product: "P1"), vector: vector)
        let key = ShardIndexKey(superCategory: .upper, modelVersion: "v1")
        let orphan = article(2, product: "P2").articleID
        try catalog.index(key)!.upsert(id: ArticleKey.id(articleID: orphan)!, vector: vector)
        #expect(catalog.index(key)!.count == 2 && catalog.count == 1)
        #expect(catalog.removeArticle(orphan) == 1)
        #expect(catalog.index(key)!.count == 1 && catalog.count == 1)
    }
}

extension ShardArticle {
    func with(id: String) -> ShardArticle {
        var copy = self
        copy.articleID = id
        return copy
    }
}
