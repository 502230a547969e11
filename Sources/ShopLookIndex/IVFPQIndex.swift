import ShopLookCore
import CShopLookSIMD
import Dispatch

/// An IVF index with residual product-quantisation codes (8-bit, or 4-bit fast-scan)
/// and an optional exact re-ranking stage over a float16/float32 copy of the vectors.
///
/// Life cycle: `init` → `train` (once, before the index is shared) → `add` / `remove`
/// / `search` from any threads (see `InvertedLists` for the concurrency contract) →
/// `save` / `load` (`IndexFile`).
///
/// Scores: squared L2 distance (ascending) or inner product / cosine (descending).
/// With re-ranking, scores are exact distances to the stored vectors (float16 rounded
/// when stored as float16), so they are comparable across shards; without it they are
/// PQ approximations.
public final class IVFPQIndex: @unchecked Sendable {
    public struct Configuration: Sendable, Equatable {
        public var dimension: Int
        public var metric: Metric
        public var nlist: Int
        /// Number of PQ sub-quantizers.
        public var m: Int
        /// 8: one byte per sub-quantizer; 4: fast-scan layout (half a byte each).
        public var nbits: Int
        public var transform: TransformKind
        public var rerankStorage: VectorStorage
        public var seed: UInt64
        public var kmeansIterations: Int
        public var maxTrainingPointsPerCentroid: Int

        public init(dimension: Int, metric: Metric = .l2, nlist: Int, m: Int, nbits: Int = 8,
                    transform: TransformKind = .none, rerankStorage: VectorStorage = .none,
                    seed: UInt64 = 1234, kmeansIterations: Int = 20, maxTrainingPointsPerCentroid: Int = 256) {
            self.dimension = dimension
            self.metric = metric
            self.nlist = nlist
            self.m = m
            self.nbits = nbits
            self.transform = transform
            self.rerankStorage = rerankStorage
            self.seed = seed
            self.kmeansIterations = kmeansIterations
            self.maxTrainingPointsPerCentroid = maxTrainingPointsPerCentroid
        }

        /// Dimension seen by the coarse quantizer and the PQ.
        public var workingDimension: Int {
            if case .pca(let d, _) = transform { return d }
            return dimension
        }

        /// Code bytes per vector (m * nbits / 8, rounded up).
        public var codeBytes: Int { (m * nbits + 7) / 8 }

        func validate() throws {
            guard dimension > 0 else { throw IndexError.invalidArgument("dimension must be positive") }
            guard nlist > 0, nlist < Int(Int32.max) else { throw IndexError.invalidArgument("nlist must be positive") }
            guard nbits == 4 || nbits == 8 else { throw IndexError.invalidArgument("nbits must be 4 or 8") }
            let dt = workingDimension
            guard dt > 0, dt <= dimension else { throw IndexError.invalidArgument("bad transform output dimension \(dt)") }
            guard m > 0, dt % m == 0 else { throw IndexError.invalidArgument("m=\(m) must divide dimension \(dt)") }
            if nbits == 4 && m > 256 { throw IndexError.invalidArgument("fast-scan supports m <= 256") }
            guard kmeansIterations >= 0, maxTrainingPointsPerCentroid > 0 else {
                throw IndexError.invalidArgument("bad k-means parameters")
            }
        }
    }

    public struct SearchParameters: Sendable, Equatable {
        /// Lists probed per query.
        public var nprobe: Int
        /// Re-rank the best k * rerankFactor PQ candidates exactly (0 = off).
        public var rerankFactor: Int
        /// Threads for a batch (queries are split between them; 1 = the calling thread only).
        public var threads: Int

        public init(nprobe: Int = 16, rerankFactor: Int = 0, threads: Int = 1) {
            self.nprobe = nprobe
            self.rerankFactor = rerankFactor
            self.threads = threads
        }
    }

    public let configuration: Configuration
    let invlists: InvertedLists
    /// Set once by `train` (or `load`); read under the lists' lock.
    private var _state: TrainedState?

    public init(_ configuration: Configuration) throws {
        try configuration.validate()
        self.configuration = configuration
        let layout: InvertedLists.CodeLayout = configuration.nbits == 4
            ? .fastScan4(m: configuration.m) : .flat(bytesPerCode: configuration.m)
        invlists = InvertedLists(nlist: configuration.nlist, layout: layout,
                                 vectorBytes: configuration.dimension * configuration.rerankStorage.componentBytes)
    }

    init(configuration: Configuration, state: TrainedState, invlists: InvertedLists) {
        self.configuration = configuration
        self._state = state
        self.invlists = invlists
    }

    var state: TrainedState? { invlists.withReadLock { _state } }

    public var isTrained: Bool { state != nil }
    /// Number of stored vectors.
    public var count: Int { invlists.totalCount }
    /// Bytes stored per vector: codes + 8-byte id + re-ranking copy.
    public var bytesPerVector: Int {
        configuration.codeBytes + 8 + configuration.dimension * configuration.rerankStorage.componentBytes
    }
    /// The inverted lists (read access for tools and tests).
    public var lists: InvertedLists { invlists }

    // MARK: preprocessing

    /// Copies x and L2-normalises rows for the cosine metric.
    private func prepared(_ x: UnsafePointer<Float>, count n: Int) -> [Float] {
        let d = configuration.dimension
        var out = [Float](UnsafeBufferPointer(start: x, count: n * d))
        if configuration.metric == .cosine {
            out.withUnsafeMutableBufferPointer { p in
                for i in 0..<n {
                    let row = p.baseAddress! + i * d
                    let nr = sl_inner(row, row, d).squareRoot()
                    if nr > 0 { for t in 0..<d { row[t] /= nr } }
                }
            }
        }
        return out
    }

    private func transformed(_ x: [Float], _ st: TrainedState) -> [Float] {
        guard let t = st.transform else { return x }
        return t.apply(x)
    }

    // MARK: training

    /// Learns the transform, coarse centroids and PQ codebooks from n row-major vectors.
    public func train(_ x: [Float]) throws {
        let c = configuration
        let d = c.dimension
        guard x.count % d == 0 else { throw IndexError.dimensionMismatch(expected: d, actual: x.count % d) }
        let n = x.count / d
        guard state == nil else { throw IndexError.trainingFailed("the index is already trained") }
        guard n >= c.nlist else { throw IndexError.trainingFailed("need at least nlist=\(c.nlist) training vectors, got \(n)") }
        let xp = x.withUnsafeBufferPointer { prepared($0.baseAddress!, count: n) }
        var transform: PCATransform?
        if case .pca(let dout, let rot) = c.transform {
            transform = try PCATransform.train(xp, inputDimension: d, outputDimension: dout, center: c.metric == .l2,
                                               randomRotationSeed: rot ? c.seed &+ 17 : nil)
        }
        let xt = transform?.apply(xp) ?? xp
        let dt = c.workingDimension
        let coarse = try CoarseQuantizer.train(xt, dimension: dt, nlist: c.nlist, usesInnerProduct: c.metric.usesInnerProduct,
                                               parameters: .init(k: c.nlist, iterations: c.kmeansIterations, seed: c.seed,
                                                                 maxPointsPerCentroid: c.maxTrainingPointsPerCentroid))
        // PQ on residuals of (a sample of) the training set.
        var pq = try ProductQuantizer(dimension: dt, m: c.m, nbits: c.nbits)
        let ns = min(n, 65_536)
        var sample = [Float](repeating: 0, count: ns * dt)
        var rng = SeededRandom(seed: c.seed &+ 99)
        let idx = ns == n ? Array(0..<n) : rng.sample(ns, from: n).sorted()
        for (r, i) in idx.enumerated() { for t in 0..<dt { sample[r * dt + t] = xt[i * dt + t] } }
        var lists = [Int32](repeating: 0, count: ns)
        sample.withUnsafeBufferPointer { coarse.assign($0.baseAddress!, count: ns, lists: &lists) }
        for r in 0..<ns {
            let l = Int(lists[r])
            for t in 0..<dt { sample[r * dt + t] -= coarse.centroids[l * dt + t] }
        }
        try pq.train(sample, seed: c.seed &+ 1, iterations: 25, maxPointsPerCentroid: max(256, 65_536 / pq.ksub))
        let st = TrainedState(metric: c.metric, transform: transform, coarse: coarse, pq: pq)
        try invlists.withWriteLock {
            guard _state == nil else { throw IndexError.trainingFailed("the index is already trained") }
            _state = st
        }
    }

    // MARK: add / remove

    /// Adds n row-major vectors with their ids. Ids must be new (all-or-nothing check
    /// against the index before anything is added).
    public func add(_ x: [Float], ids: [Int64]) throws {
        guard let st = state else { throw IndexError.notTrained }
        let d = configuration.dimension
        guard x.count == ids.count * d else { throw IndexError.dimensionMismatch(expected: ids.count * d, actual: x.count) }
        let n = ids.count
        if n == 0 { return }
        var seen = Set<Int64>(minimumCapacity: n)
        for id in ids where !seen.insert(id).inserted { throw IndexError.duplicateID(id) }
        if let dup = invlists.firstPresent(of: ids) { throw IndexError.duplicateID(dup) }
        let chunk = 65_536
        var i0 = 0
        while i0 < n {
            let nb = min(chunk, n - i0)
            let enc = x.withUnsafeBufferPointer { encode($0.baseAddress! + i0 * d, count: nb, st) }
            try invlists.append(ids: Array(ids[i0..<(i0 + nb)]), listOf: enc.lists, codes: enc.codes, vectors: enc.vectors)
            i0 += nb
        }
    }

    /// Coarse assignment, residual PQ codes and the re-ranking copy for n vectors.
    private func encode(_ x: UnsafePointer<Float>, count n: Int, _ st: TrainedState)
        -> (lists: [Int32], codes: [UInt8], vectors: [UInt8]?) {
        let c = configuration
        let orig = prepared(x, count: n)
        var xt = transformed(orig, st)
        let dt = st.workingDimension
        var lists = [Int32](repeating: 0, count: n)
        xt.withUnsafeBufferPointer { st.coarse.assign($0.baseAddress!, count: n, lists: &lists) }
        st.coarse.centroids.withUnsafeBufferPointer { cp in
            xt.withUnsafeMutableBufferPointer { xp in
                for i in 0..<n {
                    let row = xp.baseAddress! + i * dt, cen = cp.baseAddress! + Int(lists[i]) * dt
                    for t in 0..<dt { row[t] -= cen[t] }
                }
            }
        }
        var codes = [UInt8](repeating: 0, count: n * c.m)
        xt.withUnsafeBufferPointer { xp in
            codes.withUnsafeMutableBufferPointer { st.pq.encode(xp.baseAddress!, count: n, codes: $0.baseAddress!) }
        }
        var vectors: [UInt8]?
        switch c.rerankStorage {
        case .none: vectors = nil
        case .float32:
            vectors = orig.withUnsafeBytes { Array($0) }
        case .float16:
            var v = [UInt8](repeating: 0, count: n * c.dimension * 2)
            v.withUnsafeMutableBytes { vb in
                sl_f32_to_f16(orig, vb.baseAddress!.assumingMemoryBound(to: UInt16.self), n * c.dimension)
            }
            vectors = v
        }
        return (lists, codes, vectors)
    }

    /// Removes ids (unknown ids are ignored); returns how many were removed.
    @discardableResult
    public func remove(ids: [Int64]) -> Int { invlists.remove(ids: ids) }

    public func contains(id: Int64) -> Bool { invlists.contains(id: id) }

    // MARK: search

    /// Searches nq row-major queries. With `parameters.threads == 1` (the default) all
    /// work runs on the calling thread, except the coarse step's BLAS call, which follows
    /// the process-wide BLAS thread count (`BLAS.threadCount`). The read lock is
    /// held for runs of up to `QueryWorker.queriesPerLock` queries at a time, so results
    /// reflect whole add/remove batches.
    public func search(_ queries: [Float], k: Int, parameters: SearchParameters = .init()) throws -> SearchResults {
        guard let st = state else { throw IndexError.notTrained }
        let c = configuration
        let d = c.dimension
        guard queries.count % d == 0 else { throw IndexError.dimensionMismatch(expected: d, actual: queries.count % d) }
        guard k > 0 else { throw IndexError.invalidArgument("k must be positive") }
        guard parameters.nprobe > 0 else { throw IndexError.invalidArgument("nprobe must be positive") }
        guard parameters.rerankFactor >= 0 else { throw IndexError.invalidArgument("rerankFactor must be >= 0") }
        guard k <= 1 << 20, k * max(1, parameters.rerankFactor) <= 1 << 24 else {
            throw IndexError.invalidArgument("k * rerankFactor is too large")
        }
        if parameters.rerankFactor > 0 && c.rerankStorage == .none {
            throw IndexError.invalidArgument("re-ranking needs rerankStorage (the index stores no vectors)")
        }
        let nq = queries.count / d
        let nprobe = min(parameters.nprobe, c.nlist)
        let qp = queries.withUnsafeBufferPointer { prepared($0.baseAddress!, count: nq) }
        let qt = transformed(qp, st)
        var coarseD = [Float](repeating: 0, count: nq * nprobe)
        var coarseI = [Int64](repeating: 0, count: nq * nprobe)
        qt.withUnsafeBufferPointer { st.coarse.search($0.baseAddress!, count: nq, nprobe: nprobe, distances: &coarseD, lists: &coarseI) }

        let rerank = parameters.rerankFactor > 0
        let kPrime = rerank ? k * parameters.rerankFactor : k
        var outIds = [Int64](repeating: -1, count: nq * k)
        var outScores = [Float](repeating: .nan, count: nq * k)
        let threads = max(1, min(parameters.threads, nq))
        let order = Self.scanOrder(nearestLists: coarseI, stride: nprobe, count: nq)
        qt.withUnsafeBufferPointer { qtp in
            qp.withUnsafeBufferPointer { qpp in
                coarseD.withUnsafeBufferPointer { cdp in
                    coarseI.withUnsafeBufferPointer { cip in
                        outIds.withUnsafeMutableBufferPointer { oi in
                            outScores.withUnsafeMutableBufferPointer { os in
                                let ctx = QueryContext(
                                    index: self, state: st, k: k, kPrime: kPrime, nprobe: nprobe, rerank: rerank,
                                    transformed: qtp.baseAddress!, prepared: qpp.baseAddress!,
                                    coarseD: cdp.baseAddress!, coarseI: cip.baseAddress!,
                                    outIds: oi.baseAddress!, outScores: os.baseAddress!)
                                if threads == 1 {
                                    QueryWorker(ctx).search(order[...])
                                } else {
                                    // Runs of consecutive queries of `order` per thread keep the
                                    // grouping by list; dealing them out round-robin balances the load.
                                    let run = QueryWorker.queriesPerLock
                                    DispatchQueue.concurrentPerform(iterations: threads) { t in
                                        let w = QueryWorker(ctx)
                                        for start in stride(from: t * run, to: nq, by: threads * run) {
                                            w.search(order[start..<min(start + run, nq)])
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return SearchResults(queryCount: nq, k: k, ids: outIds, scores: outScores)
    }

    /// The order in which a batch scans its queries: by nearest list (then query number),
    /// so that queries that probe the same list first run back to back and all but the
    /// first find its codes still in cache. Results do not depend on the order.
    /// nearestLists: size count * stride, the best list of query q at q * stride.
    static func scanOrder(nearestLists: [Int64], stride: Int, count nq: Int) -> [Int] {
        var keys = (0..<nq).map { nearestLists[$0 * stride] << 32 | Int64($0) }
        keys.sort()
        return keys.map { Int($0 & 0xFFFF_FFFF) }
    }

    /// Searches one query; hits best first.
    public func search(query: [Float], k: Int, parameters: SearchParameters = .init()) throws -> [SearchHit] {
        guard query.count == configuration.dimension else {
            throw IndexError.dimensionMismatch(expected: configuration.dimension, actual: query.count)
        }
        return try search(query, k: k, parameters: parameters).hits(forQuery: 0)
    }
}


/// Everything a batch search shares between its worker threads (read-only, except
/// that each query writes only its own output row).
struct QueryContext: @unchecked Sendable {
    let index: IVFPQIndex
    let state: TrainedState
    let k: Int
    let kPrime: Int
    let nprobe: Int
    let rerank: Bool
    /// size nq * workingDimension
    let transformed: UnsafePointer<Float>
    /// size nq * dimension (normalised for cosine)
    let prepared: UnsafePointer<Float>
    /// size nq * nprobe
    let coarseD: UnsafePointer<Float>
    /// size nq * nprobe
    let coarseI: UnsafePointer<Int64>
    /// size nq * k
    let outIds: UnsafeMutablePointer<Int64>
    /// size nq * k
    let outScores: UnsafeMutablePointer<Float>
}

/// Per-thread search state: scanner, heaps and candidate buffers, allocated once per batch.
///
/// With re-ranking, a query's candidates are prefetched when its scan ends and re-ranked
/// only after the next query has been scanned, so that fetching the stored vectors from
/// memory overlaps useful work instead of stalling (two candidate slots alternate).
final class QueryWorker {
    /// Queries searched under one hold of the read lock: bounds how long a writer waits
    /// and how far re-ranking lags behind scanning (it never crosses a lock release).
    static let queriesPerLock = 8

    let ctx: QueryContext
    let scanner: InvertedListScanner
    let finalHeap: TopKHeap
    /// size 2 * kPrime: the candidates of slot s at s * kPrime
    let candPtrs: UnsafeMutablePointer<UnsafeRawPointer?>
    /// size 2 * kPrime, layout as candPtrs
    let candIds: UnsafeMutablePointer<Int64>
    /// size kPrime
    let candDist: UnsafeMutablePointer<Float>

    /// A scanned query whose candidates wait in a slot for re-ranking.
    private struct PendingRerank {
        var query: Int
        var slot: Int
        var count: Int
    }

    init(_ ctx: QueryContext) {
        self.ctx = ctx
        scanner = InvertedListScanner(state: ctx.state, k: ctx.kPrime)
        finalHeap = TopKHeap(k: ctx.k)
        candPtrs = .allocate(capacity: 2 * ctx.kPrime)
        candIds = .allocate(capacity: 2 * ctx.kPrime)
        candDist = .allocate(capacity: ctx.kPrime)
    }

    deinit {
        candPtrs.deallocate()
        candIds.deallocate()
        candDist.deallocate()
    }

    /// Searches the queries in the given order and writes their output rows.
    func search(_ queries: ArraySlice<Int>) {
        var start = queries.startIndex
        while start < queries.endIndex {
            let end = min(start + Self.queriesPerLock, queries.endIndex)
            ctx.index.invlists.withReadLock {
                var pending: PendingRerank?
                for (n, q) in queries[start..<end].enumerated() {
                    let scanned = scan(q, slot: n & 1)
                    if let p = pending { rerank(p) }
                    pending = scanned
                }
                if let p = pending { rerank(p) }
            }
            start = end
        }
    }

    /// Scans the lists of query q. Without re-ranking it writes the output row and returns
    /// nil; with re-ranking it moves the candidates to `slot`, prefetches their vectors and
    /// returns them. Call with the read lock held (until the candidates are re-ranked).
    private func scan(_ q: Int, slot: Int) -> PendingRerank? {
        let c = ctx
        let invlists = c.index.invlists
        let dt = c.state.workingDimension
        let metric = c.state.metric
        let k = c.k, nprobe = c.nprobe
        scanner.heap.reset()
        scanner.setQuery(c.transformed + q * dt)
        for p in 0..<nprobe {
            let l = Int(c.coarseI[q * nprobe + p])
            if l < 0 { continue }
            let li = invlists.unsafeList(l)
            if li.count == 0 { continue }
            scanner.setList(l, coarseDistance: c.coarseD[q * nprobe + p])
            _ = scanner.scanCodes(count: li.count, codes: li.codes!, labelBase: Int64(l) << 32)
        }
        let nc = scanner.heap.sortInPlace()
        let hd = scanner.heap.distances, hl = scanner.heap.labels
        guard c.rerank else {
            for r in 0..<nc {
                let l = Int(hl[r] >> 32), i = Int(hl[r] & 0xFFFF_FFFF)
                c.outIds[q * k + r] = invlists.unsafeList(l).ids![i]
                c.outScores[q * k + r] = metric.score(fromDistance: hd[r])
            }
            return nil
        }
        let vb = invlists.vectorBytes
        let ptrs = candPtrs + slot * c.kPrime, ids = candIds + slot * c.kPrime
        for r in 0..<nc {
            let l = Int(hl[r] >> 32), i = Int(hl[r] & 0xFFFF_FFFF)
            let li = invlists.unsafeList(l)
            ptrs[r] = UnsafeRawPointer(li.vectors! + i * vb)
            ids[r] = li.ids![i]
        }
        sl_prefetch_vectors(ptrs, nc, vb)
        return PendingRerank(query: q, slot: slot, count: nc)
    }

    /// Re-ranks a scanned query's candidates exactly and writes its output row.
    private func rerank(_ p: PendingRerank) {
        let c = ctx
        let d = c.index.configuration.dimension
        let metric = c.state.metric
        let k = c.k, q = p.query
        let ids = candIds + p.slot * c.kPrime
        sl_rerank(c.prepared + q * d, d, candPtrs + p.slot * c.kPrime, p.count,
                  Int32(c.index.configuration.rerankStorage.rawValue), metric.usesInnerProduct ? 1 : 0, candDist)
        finalHeap.reset()
        for r in 0..<p.count { finalHeap.push(candDist[r], ids[r]) }
        let nf = finalHeap.sortInPlace()
        for r in 0..<nf {
            c.outIds[q * k + r] = finalHeap.labels[r]
            c.outScores[q * k + r] = metric.score(fromDistance: finalHeap.distances[r])
        }
    }
}
