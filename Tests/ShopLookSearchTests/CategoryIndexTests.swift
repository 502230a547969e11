import ShopLookCore
import ShopLookIndex
@testable import ShopLookSearch
import Synchronization
import Testing

/// Clustered vectors (a Gaussian mixture), so that an IVF-PQ index has structure to find.
func clusteredVectors(count: Int, dimension: Int, clusters: Int = 256, seed: UInt64 = 7) -> [Float] {
    var random = SeededRandom(seed: seed)
    let centres = (0..<(clusters * dimension)).map { _ in Float(random.nextGaussian()) }
    var vectors: [Float] = []
    vectors.reserveCapacity(count * dimension)
    for _ in 0..<count {
        let cluster = random.nextIndex(clusters)
        for component in 0..<dimension {
            vectors.append(centres[cluster * dimension + component] + 0.3 * Float(random.nextGaussian()))
        }
    }
    return vectors
}

func row(_ vectors: [Float], _ index: Int, dimension: Int) -> [Float] {
    Array(vectors[index * dimension..<(index + 1) * dimension])
}

struct ExactVectorStoreTests {
    @Test func upsertReplacesRemoveMovesTheLastRowAndSearchIsExact() {
        let dimension = 8
        let vectors = clusteredVectors(count: 50, dimension: dimension)
        var store = ExactVectorStore(dimension: dimension)
        for index in 0..<50 { store.upsert(id: Int64(index * 10), vector: row(vectors, index, dimension: dimension)) }
        store.upsert(id: 30, vector: row(vectors, 3, dimension: dimension))
        #expect(store.count == 50)
        #expect(store.remove(0) && !store.remove(0))
        #expect(store.count == 49 && store.ids[0] == 490 && !store.contains(0) && store.contains(490))

        let query = row(vectors, 7, dimension: dimension)
        let hits = store.search(query, k: 5)[0]
        #expect(hits.first?.id == 70 && abs(hits[0].score - 1) < 1e-5, "a stored vector is its own best match")
        // Against the definition: cosine of the query with every remaining vector, sorted.
        let unit = ExactVectorStore.normalised(query)
        let expected = (1..<50).map { index -> (Int64, Float) in
            let other = ExactVectorStore.normalised(row(vectors, index, dimension: dimension))
            return (Int64(index * 10), zip(unit, other).reduce(0) { $0 + $1.0 * $1.1 })
        }.sorted { $0.1 > $1.1 }.prefix(5)
        #expect(hits.map(\.id) == expected.map(\.0))
        for (hit, truth) in zip(hits, expected) { #expect(abs(hit.score - truth.1) < 1e-4) }
    }

    /// A few queries run as matrix-vector products, more as one matrix product: both give each query the
    /// hits it gets alone, which are the definition's (cosine with every row, sorted).
    @Test(arguments: [1, 2, ExactVectorStore.fewestQueriesForGemm - 1, ExactVectorStore.fewestQueriesForGemm, 9])
    func batchesOfQueriesGetWhatEachGetsAlone(queryCount: Int) {
        let dimension = 16, count = 300
        let vectors = clusteredVectors(count: count + queryCount, dimension: dimension)
        var store = ExactVectorStore(dimension: dimension)
        for index in 0..<count { store.upsert(id: Int64(index), vector: row(vectors, index, dimension: dimension)) }
        let queries = (count..<(count + queryCount)).map { row(vectors, $0, dimension: dimension) }
        let together = store.search(queries.flatMap { $0 }, k: 7)
        #expect(together.count == queryCount)
        for (query, hits) in zip(queries, together) {
            let unit = ExactVectorStore.normalised(query)
            let expected = (0..<count).map { index -> (Int64, Float) in
                let other = ExactVectorStore.normalised(row(vectors, index, dimension: dimension))
                return (Int64(index), zip(unit, other).reduce(0) { $0 + $1.0 * $1.1 })
            }.sorted { $0.1 > $1.1 }.prefix(7)
            #expect(hits.map(\.id) == expected.map(\.0))
            for (hit, truth) in zip(hits, expected) { #expect(abs(hit.score - truth.1) < 1e-4) }
            #expect(store.search(query, k: 7)[0].map(\.id) == hits.map(\.id))
        }
    }
}

struct CategoryIndexTests {
    static let dimension = 32

    func policy(threshold: Int) -> IndexPolicy {
        var policy = IndexPolicy()
        policy.trainingThreshold = threshold
        policy.nprobe = 8
        return policy
    }

    @Test func upsertsAreIdempotentAndRemovalsForget() throws {
        let vectors = clusteredVectors(count: 100, dimension: Self.dimension)
        let index = CategoryIndex(dimension: Self.dimension, policy: policy(threshold: 1000))
        for _ in 0..<2 {
            for i in 0..<100 { try index.upsert(id: Int64(i), vector: row(vectors, i, dimension: Self.dimension)) }
        }
        #expect(index.count == 100)
        #expect(index.remove(ids: [5, 6, 999]) == 2)
        let hits = try index.search(query: row(vectors, 5, dimension: Self.dimension), k: 100)
        #expect(hits.count == 98 && !hits.contains { $0.id == 5 || $0.id == 6 })
        #expect(throws: IndexError.self) { try index.upsert(id: 1, vector: [1, 2, 3]) }
    }

    @Test func trainsBesideTheExactStoreWhileChangesAndSearchesGoOn() async throws {
        let count = 4000, dimension = Self.dimension
        let vectors = clusteredVectors(count: count + 500, dimension: dimension)
        let index = CategoryIndex(dimension: dimension, policy: policy(threshold: count))
        var wantsTraining = false
        for i in 0..<count { wantsTraining = try index.upsert(id: Int64(i), vector: row(vectors, i, dimension: dimension)) }
        #expect(wantsTraining, "the threshold asks for training")
        #expect(!index.isTrained)

        // Changes and searches while the index trains: 500 new vectors, 200 removals.
        let searches = Mutex(0)
        let training = Task { try await index.trainFromExact() }
        for i in count..<(count + 500) {
            try index.upsert(id: Int64(i), vector: row(vectors, i, dimension: dimension))
            if i % 50 == 0 {
                #expect(try index.search(query: row(vectors, i, dimension: dimension), k: 10).first?.id == Int64(i))
                searches.withLock { $0 += 1 }
            }
        }
        #expect(index.remove(ids: (0..<200).map(Int64.init)) == 200)
        let report = try #require(try await training.value)
        #expect(index.isTrained && !index.isRebuilding)
        #expect(report.vectors >= count && report.configuration.nbits == 4 && report.configuration.rerankStorage == .float16)
        #expect(index.count == count + 300, "the changes made during training are in the trained index")
        #expect(!index.contains(0) && !index.contains(199) && index.contains(200) && index.contains(Int64(count + 499)))

        // Recall@10 of the trained index against exact search over the live vectors.
        var exact = ExactVectorStore(dimension: dimension)
        for i in 200..<(count + 500) { exact.upsert(id: Int64(i), vector: row(vectors, i, dimension: dimension)) }
        var found = 0, wanted = 0
        for q in stride(from: 200, to: count + 500, by: 43) {
            let query = row(vectors, q, dimension: dimension)
            let truth = Set(exact.search(query, k: 10)[0].map(\.id))
            let hits = try index.search(query: query, k: 10)
            found += hits.filter { truth.contains($0.id) }.count
            wanted += truth.count
            // Exact re-ranked scores: the best hit's score is its true cosine.
            let best = try #require(hits.first)
            let truthScore = exact.search(query, k: 1)[0][0]
            if best.id == truthScore.id { #expect(abs(best.score - truthScore.score) < 2e-3) }
        }
        #expect(Double(found) / Double(wanted) >= 0.9)
        #expect(try await index.trainFromExact() == nil, "trained once")
    }

    @Test func oneRebuildAtATime() async throws {
        let index = CategoryIndex(dimension: 4, policy: policy(threshold: 10))
        let gate = AsyncStream<Void>.makeStream()
        let first = Task {
            try await index.rebuild {
                for await _ in gate.stream { break }
                return (clusteredVectors(count: 200, dimension: 4), (0..<200).map(Int64.init))
            }
        }
        while !index.isRebuilding { await Task.yield() }
        await #expect(throws: SearchError.rebuildInProgress) {
            try await index.rebuild { ([], []) }
        }
        gate.continuation.yield()
        _ = try await first.value
        #expect(index.isTrained && index.count == 200)
    }

    @Test func articleKeysAreTheFirst63BitsOfTheId() {
        let id = SHA256.hexDigest(Array("article".utf8))
        let key = ArticleKey.id(articleID: id)
        #expect(key != nil && key! >= 0)
        #expect(key == Int64(bitPattern: UInt64(id.prefix(16), radix: 16)! & UInt64(Int64.max)))
        #expect(ArticleKey.id(articleID: "not-hex") == nil)
    }
}
