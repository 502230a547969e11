import Foundation
import ShopLookCore
@testable import ShopLookSearch
import Testing

struct ShardSnapshotStoreTests {
    static let dimension = 16

    func temporaryRoot() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("shoplook-snapshots-\(UUID().uuidString)")
    }

    func article(_ index: Int, _ superCategory: SuperCategory) -> ShardArticle {
        ShardArticle(
            articleID: SHA256.hexDigest(Array("article \(index)".utf8)), imageID: SHA256.hexDigest(Array("image \(index)".utf8)),
            productID: "P\(index / 2)", superCategory: superCategory, category: superCategory == .upper ? "shirt" : "jeans",
            modelVersion: "lite0 v1/multi")
    }

    /// A catalog with a trained upper-wear index (1,200 vectors) and an exact lower-wear one (50).
    func catalog(policy: IndexPolicy) async throws -> (ShardCatalog, [Float]) {
        let vectors = clusteredVectors(count: 1250, dimension: Self.dimension)
        let catalog = ShardCatalog(shard: 5, policy: policy)
        for i in 0..<1250 {
            let wants = try catalog.upsert(article(i, i < 1200 ? .upper : .lower), vector: row(vectors, i, dimension: Self.dimension))
            if let wants { _ = try await wants.trainFromExact() }
        }
        catalog.advance(to: 1250)
        return (catalog, vectors)
    }

    @Test func aLoadedSnapshotAnswersAsTheShardDidAndTakesNewChanges() async throws {
        var policy = IndexPolicy()
        policy.trainingThreshold = 1000
        let (catalog, vectors) = try await catalog(policy: policy)
        let upper = ShardIndexKey(superCategory: .upper, modelVersion: "lite0 v1/multi")
        let lower = ShardIndexKey(superCategory: .lower, modelVersion: "lite0 v1/multi")
        #expect(catalog.index(upper)?.isTrained == true && catalog.index(lower)?.isTrained == false)

        let store = ShardSnapshotStore(root: temporaryRoot())
        defer { try? FileManager.default.removeItem(at: store.root) }
        let written = try store.save(catalog)
        #expect(written.nextOffset == 1250 && written.indexes.map(\.trained) == [false, true])
        let (loaded, manifest) = try #require(try store.load(shard: 5, policy: policy))
        #expect(manifest == written && loaded.nextOffset == 1250 && loaded.indexCounts == catalog.indexCounts)
        for q in [3, 700, 1210, 1249] {
            let key = q < 1200 ? upper : lower
            let query = row(vectors, q, dimension: Self.dimension)
            let before = try catalog.search(key, query: query, k: 10), after = try loaded.search(key, query: query, k: 10)
            #expect(after.map(\.article) == before.map(\.article), "query \(q)")
            #expect(zip(after, before).allSatisfy { abs($0.score - $1.score) < 1e-5 }, "query \(q): \(after.map(\.score)) vs \(before.map(\.score))")
        }
        // The loaded (memory-mapped) trained index takes upserts and removals.
        try loaded.upsert(article(5000, .upper), vector: row(vectors, 3, dimension: Self.dimension).map { $0 + 0.001 })
        #expect(try loaded.search(upper, query: row(vectors, 3, dimension: Self.dimension), k: 2).contains { $0.article.articleID == article(5000, .upper).articleID })
        #expect(loaded.removeProduct("P1") == 2)
    }

    @Test func aNewSnapshotReplacesTheOldAndACorruptOneIsRefused() async throws {
        var policy = IndexPolicy()
        policy.trainingThreshold = 100_000
        let catalog = ShardCatalog(shard: 2, policy: policy)
        let store = ShardSnapshotStore(root: temporaryRoot())
        defer { try? FileManager.default.removeItem(at: store.root) }
        #expect(try store.load(shard: 2) == nil, "no snapshot yet")
        try catalog.upsert(article(1, .foot), vector: [Float](repeating: 0.5, count: Self.dimension))
        catalog.advance(to: 1)
        try store.save(catalog)
        try catalog.upsert(article(2, .foot), vector: [Float](repeating: -0.5, count: Self.dimension))
        catalog.advance(to: 2)
        let second = try store.save(catalog)
        let directory = store.directory(ofShard: 2)
        let snapshots = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasPrefix("snapshot-") }
        #expect(snapshots.count == 1 && snapshots[0].hasPrefix("snapshot-000000000002-"))
        #expect(try store.load(shard: 2)?.0.count == 2 && second.nextOffset == 2)

        let vectorsFile = directory.appendingPathComponent(snapshots[0]).appendingPathComponent(second.indexes[0].indexFile)
        var bytes = try Data(contentsOf: vectorsFile)
        bytes[bytes.count - 1] ^= 0x40
        try bytes.write(to: vectorsFile)
        #expect(throws: SnapshotError.self) { try store.load(shard: 2) }
    }
}
