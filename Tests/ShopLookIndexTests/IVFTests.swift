import Testing
@testable import ShopLookIndex

@Suite struct IVFTests {
    static let d = 32

    static func exactIndex(metric: Metric, nbits: Int, n: Int = 2000, transform: TransformKind = .none,
                           storage: VectorStorage = .float32) throws -> (IVFPQIndex, [Float]) {
        var x = TestData.mixture(n: n, d: d, clusters: 15, seed: 21)
        if metric != .l2 { x = TestData.normalized(x, d: d) }
        let idx = try IVFPQIndex(.init(dimension: d, metric: metric, nlist: 16, m: nbits == 4 ? 16 : 8, nbits: nbits,
                                       transform: transform, rerankStorage: storage, seed: 5, kmeansIterations: 8))
        try idx.train(x)
        try idx.add(x, ids: (0..<Int64(n)).map { $0 * 3 + 7 })
        return (idx, x)
    }

    @Test(arguments: [(Metric.l2, 8), (.l2, 4), (.innerProduct, 8), (.innerProduct, 4), (.cosine, 4)])
    func exactStorageWithFullProbeEqualsBruteForce(metric: Metric, nbits: Int) throws {
        let (idx, x) = try Self.exactIndex(metric: metric, nbits: nbits)
        let d = Self.d
        var queries = TestData.mixture(n: 20, d: d, clusters: 15, seed: 77)
        if metric != .l2 { queries = TestData.normalized(queries, d: d) }
        let k = 10
        let res = try idx.search(queries, k: k, parameters: .init(nprobe: 16, rerankFactor: 1000))
        let ids = (0..<Int64(2000)).map { $0 * 3 + 7 }
        for q in 0..<20 {
            let truth = TestData.bruteForce(base: x, query: queries[(q * d)..<((q + 1) * d)], d: d, k: k,
                                            metric: metric == .l2 ? .l2 : .innerProduct, ids: ids)
            let hits = res.hits(forQuery: q)
            #expect(hits.map { $0.id } == truth.map { $0.0 }, "query \(q)")
            for (h, t) in zip(hits, truth) { #expect(abs(Double(h.score) - t.1) <= 1e-4 * max(1, abs(t.1))) }
        }
        // The library's own brute force agrees as well.
        let bf = BruteForceSearch.search(base: x, queries: queries, dimension: d, k: k, metric: metric)
        for q in 0..<20 {
            #expect(res.hits(forQuery: q).map { $0.id } == bf.hits(forQuery: q).map { ids[Int($0.id)] })
        }
    }

    @Test(arguments: [Metric.l2, .innerProduct])
    func ivfFlatWithFullProbeEqualsBruteForce(metric: Metric) throws {
        let d = Self.d
        var x = TestData.mixture(n: 1500, d: d, clusters: 10, seed: 8)
        if metric != .l2 { x = TestData.normalized(x, d: d) }
        let idx = try IVFFlatIndex(dimension: d, metric: metric, nlist: 12)
        try idx.train(x, iterations: 5)
        try idx.add(x, ids: (0..<Int64(1500)).map { $0 })
        let queries = TestData.mixture(n: 10, d: d, clusters: 10, seed: 9)
        let res = try idx.search(queries, k: 5, nprobe: 12)
        for q in 0..<10 {
            let truth = TestData.bruteForce(base: x, query: queries[(q * d)..<((q + 1) * d)], d: d, k: 5, metric: metric)
            #expect(res.hits(forQuery: q).map { $0.id } == truth.map { $0.0 })
        }
    }

    @Test(arguments: [(Metric.l2, 8), (.l2, 4), (.innerProduct, 4), (.innerProduct, 8)])
    func approximateSearchHasGoodRecall(metric: Metric, nbits: Int) throws {
        let d = Self.d
        let (idx, x) = try Self.exactIndex(metric: metric, nbits: nbits, n: 3000, storage: .float16)
        var queries = TestData.mixture(n: 50, d: d, clusters: 15, seed: 78)
        if metric != .l2 { queries = TestData.normalized(queries, d: d) }
        let ids = (0..<Int64(3000)).map { $0 * 3 + 7 }
        var hitsNoRerank = 0, hitsRerank = 0
        let a = try idx.search(queries, k: 10, parameters: .init(nprobe: 8))
        let b = try idx.search(queries, k: 10, parameters: .init(nprobe: 8, rerankFactor: 10))
        for q in 0..<50 {
            let truth = Set(TestData.bruteForce(base: x, query: queries[(q * d)..<((q + 1) * d)], d: d, k: 10,
                                                metric: metric, ids: ids).map { $0.0 })
            hitsNoRerank += a.hits(forQuery: q).filter { truth.contains($0.id) }.count
            hitsRerank += b.hits(forQuery: q).filter { truth.contains($0.id) }.count
            let s = b.hits(forQuery: q).map { $0.score }
            #expect(s == s.sorted(by: metric.higherIsBetter ? (>) : (<)))
        }
        #expect(Double(hitsNoRerank) / 500 > 0.4, "recall without re-ranking \(hitsNoRerank)")
        #expect(Double(hitsRerank) / 500 > 0.85, "recall with re-ranking \(hitsRerank)")
        #expect(hitsRerank >= hitsNoRerank)
    }

    @Test func multiThreadedBatchSearchEqualsSingleThreaded() throws {
        let (idx, x) = try Self.exactIndex(metric: .l2, nbits: 4, storage: .float16)
        let q = Array(x[0..<(64 * Self.d)])
        let one = try idx.search(q, k: 7, parameters: .init(nprobe: 3, rerankFactor: 3, threads: 1))
        let three = try idx.search(q, k: 7, parameters: .init(nprobe: 3, rerankFactor: 3, threads: 3))
        #expect(one == three)
        let single = try idx.search(query: Array(x[(5 * Self.d)..<(6 * Self.d)]), k: 7, parameters: .init(nprobe: 3, rerankFactor: 3))
        #expect(single == one.hits(forQuery: 5))
    }

    /// A batch scans its queries grouped by nearest list; every row must equal the query
    /// searched on its own, with and without re-ranking, on one thread or several.
    /// (Without re-ranking, scores include the coarse distance, which sgemm may round
    /// differently for a batch than for a single query; hence the tolerance.)
    @Test(arguments: [(Metric.l2, 4), (.l2, 8), (.innerProduct, 4), (.cosine, 8)])
    func batchSearchInListOrderEqualsQueryByQuery(metric: Metric, nbits: Int) throws {
        let d = Self.d
        let (idx, _) = try Self.exactIndex(metric: metric, nbits: nbits, storage: .float16)
        let queries = TestData.mixture(n: 40, d: d, clusters: 15, seed: 80)
        for rerank in [0, 3] {
            for nprobe in [1, 3] {
                let p = IVFPQIndex.SearchParameters(nprobe: nprobe, rerankFactor: rerank)
                let batch = try idx.search(queries, k: 6, parameters: p)
                for q in 0..<40 {
                    let alone = try idx.search(query: Array(queries[(q * d)..<((q + 1) * d)]), k: 6, parameters: p)
                    let row = batch.hits(forQuery: q)
                    #expect(row.map(\.id) == alone.map(\.id), "query \(q) nprobe \(nprobe) rerank \(rerank)")
                    for (a, b) in zip(row, alone) { #expect(abs(a.score - b.score) <= 1e-5 * max(1, abs(b.score))) }
                }
                var threaded = p
                threaded.threads = 3
                #expect(try idx.search(queries, k: 6, parameters: threaded) == batch)
            }
        }
    }

    @Test func scanOrderGroupsQueriesByNearestList() {
        // 6 queries, 2 probes each; the first probe is the nearest list.
        let lists: [Int64] = [5, 1, 2, 9, 5, 0, 0, 5, 2, 2, 2, 7]
        let order = IVFPQIndex.scanOrder(nearestLists: lists, stride: 2, count: 6)
        #expect(order == [3, 1, 4, 5, 0, 2])
    }

    /// Concurrent batch searches (each with its own per-thread buffers) give the same
    /// results as the same searches run one after another.
    @Test func concurrentBatchSearchesEqualSequentialOnes() async throws {
        let d = Self.d
        let (idx, _) = try Self.exactIndex(metric: .l2, nbits: 4, storage: .float16)
        let batches = (0..<6).map { TestData.mixture(n: 25, d: d, clusters: 15, seed: 90 + UInt64($0)) }
        let p = IVFPQIndex.SearchParameters(nprobe: 2, rerankFactor: 2)
        let sequential = try batches.map { try idx.search($0, k: 5, parameters: p) }
        let concurrent = try await withThrowingTaskGroup(of: (Int, SearchResults).self) { group in
            for (i, b) in batches.enumerated() { group.addTask { (i, try idx.search(b, k: 5, parameters: p)) } }
            var out = [SearchResults?](repeating: nil, count: batches.count)
            for try await (i, r) in group { out[i] = r }
            return out
        }
        #expect(concurrent == sequential.map { Optional($0) })
    }

    @Test func pcaTransformKeepsExactResultsWithReranking() throws {
        let (idx, x) = try Self.exactIndex(metric: .l2, nbits: 4, transform: .pca(outputDimension: 16, randomRotation: true))
        let d = Self.d
        let queries = TestData.mixture(n: 5, d: d, clusters: 15, seed: 79)
        let res = try idx.search(queries, k: 5, parameters: .init(nprobe: 16, rerankFactor: 1000))
        let ids = (0..<Int64(2000)).map { $0 * 3 + 7 }
        for q in 0..<5 {
            let truth = TestData.bruteForce(base: x, query: queries[(q * d)..<((q + 1) * d)], d: d, k: 5, metric: .l2, ids: ids)
            #expect(res.hits(forQuery: q).map { $0.id } == truth.map { $0.0 })
        }
    }

    @Test(arguments: [8, 4])
    func addRemoveSearchConsistency(nbits: Int) throws {
        let d = Self.d
        let (idx, x) = try Self.exactIndex(metric: .l2, nbits: nbits)
        let ids = (0..<Int64(2000)).map { $0 * 3 + 7 }
        // Remove every third vector.
        let removed = Set(stride(from: 0, to: 2000, by: 3).map { ids[$0] })
        #expect(idx.remove(ids: Array(removed)) == removed.count)
        #expect(idx.remove(ids: Array(removed)) == 0)
        #expect(idx.count == 2000 - removed.count)
        let all = try idx.search(x, k: 20, parameters: .init(nprobe: 16, rerankFactor: 100))
        for q in 0..<2000 {
            let hits = all.hits(forQuery: q)
            #expect(hits.allSatisfy { !removed.contains($0.id) })
            if !removed.contains(ids[q]) { #expect(hits.first?.id == ids[q]) }
        }
        // Duplicates are rejected without changing anything.
        #expect(throws: IndexError.duplicateID(ids[1])) { try idx.add(Array(x[d..<(2 * d)]), ids: [ids[1]]) }
        #expect(idx.count == 2000 - removed.count)
        // Re-add the removed vectors under their ids: each is found as its own nearest neighbour.
        let back = removed.sorted()
        var vecs: [Float] = []
        for id in back { let i = Int((id - 7) / 3); vecs += x[(i * d)..<((i + 1) * d)] }
        try idx.add(vecs, ids: back)
        #expect(idx.count == 2000)
        let again = try idx.search(vecs, k: 1, parameters: .init(nprobe: 16, rerankFactor: 100))
        for (r, id) in back.enumerated() { #expect(again.ids[r] == id) }
    }

    @Test func searchValidatesArguments() throws {
        let idx = try IVFPQIndex(.init(dimension: 8, nlist: 4, m: 2))
        #expect(throws: IndexError.notTrained) { _ = try idx.search([Float](repeating: 0, count: 8), k: 1) }
        #expect(throws: IndexError.self) { _ = try IVFPQIndex(.init(dimension: 10, nlist: 4, m: 3)) }
        #expect(throws: IndexError.self) { _ = try IVFPQIndex(.init(dimension: 8, nlist: 4, m: 2, nbits: 6)) }
        let (ix, _) = try Self.exactIndex(metric: .l2, nbits: 8, n: 500, storage: .none)
        #expect(throws: IndexError.self) { _ = try ix.search([Float](repeating: 0, count: 32), k: 1, parameters: .init(rerankFactor: 2)) }
        #expect(throws: IndexError.self) { _ = try ix.search([Float](repeating: 0, count: 31), k: 1) }
    }

    @Test func concurrentSearchesWhileAddingAndRemoving() async throws {
        let d = Self.d
        let n = 4000
        let x = TestData.mixture(n: n, d: d, clusters: 15, seed: 31)
        let idx = try IVFPQIndex(.init(dimension: d, metric: .l2, nlist: 16, m: 16, nbits: 4, rerankStorage: .float32,
                                       seed: 5, kmeansIterations: 5))
        try idx.train(x)
        try idx.add(Array(x[0..<(1000 * d)]), ids: (0..<1000).map { Int64($0) })
        let queries = Array(x[0..<(20 * d)])
        try await withThrowingTaskGroup(of: Int.self) { group in
            group.addTask {
                var i0 = 1000
                while i0 < n {
                    try idx.add(Array(x[(i0 * d)..<((i0 + 250) * d)]), ids: (i0..<(i0 + 250)).map { Int64($0) })
                    idx.remove(ids: [Int64(i0 - 500)])
                    i0 += 250
                }
                return 0
            }
            for t in 0..<4 {
                group.addTask {
                    var checked = 0
                    for _ in 0..<30 {
                        let res = try idx.search(queries, k: 5, parameters: .init(nprobe: 4 + t, rerankFactor: 4))
                        for q in 0..<20 {
                            var prev = -Float.infinity
                            for h in res.hits(forQuery: q) {
                                // Every id is one that was added, and its score is the exact distance
                                // to that id's vector: the id and the stored vector were not torn.
                                #expect(h.id >= 0 && h.id < Int64(n))
                                let v = Int(h.id)
                                var s: Float = 0
                                for j in 0..<d { s += (x[q * d + j] - x[v * d + j]) * (x[q * d + j] - x[v * d + j]) }
                                #expect(abs(s - h.score) <= 1e-3 * max(1, s))
                                #expect(h.score >= prev)
                                prev = h.score
                                checked += 1
                            }
                        }
                    }
                    return checked
                }
            }
            var total = 0
            for try await c in group { total += c }
            #expect(total > 0)
        }
        #expect(idx.count == n - 12)
    }
}
