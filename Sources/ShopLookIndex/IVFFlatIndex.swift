import CShopLookSIMD

/// IVF with exact float32 vectors in the lists: the recall ceiling for a given
/// nlist / nprobe (with nprobe == nlist it is exact brute force).
public final class IVFFlatIndex: @unchecked Sendable {
    public let dimension: Int
    public let metric: Metric
    public let nlist: Int
    public let seed: UInt64
    let invlists: InvertedLists
    private var coarse: CoarseQuantizer?

    public init(dimension: Int, metric: Metric = .l2, nlist: Int, seed: UInt64 = 1234) throws {
        guard dimension > 0, nlist > 0 else { throw IndexError.invalidArgument("dimension and nlist must be positive") }
        self.dimension = dimension
        self.metric = metric
        self.nlist = nlist
        self.seed = seed
        invlists = InvertedLists(nlist: nlist, layout: .flat(bytesPerCode: dimension * 4), vectorBytes: 0)
    }

    public var isTrained: Bool { invlists.withReadLock { coarse != nil } }
    public var count: Int { invlists.totalCount }
    public var bytesPerVector: Int { dimension * 4 + 8 }

    private func prepared(_ x: [Float]) -> [Float] {
        guard metric == .cosine else { return x }
        var out = x
        let d = dimension
        out.withUnsafeMutableBufferPointer { p in
            for i in 0..<(x.count / d) {
                let row = p.baseAddress! + i * d
                let nr = sl_inner(row, row, d).squareRoot()
                if nr > 0 { for t in 0..<d { row[t] /= nr } }
            }
        }
        return out
    }

    public func train(_ x: [Float], iterations: Int = 20, maxPointsPerCentroid: Int = 256) throws {
        guard x.count % dimension == 0 else { throw IndexError.dimensionMismatch(expected: dimension, actual: x.count % dimension) }
        let cq = try CoarseQuantizer.train(prepared(x), dimension: dimension, nlist: nlist,
                                           usesInnerProduct: metric.usesInnerProduct,
                                           parameters: .init(k: nlist, iterations: iterations, seed: seed,
                                                             maxPointsPerCentroid: maxPointsPerCentroid))
        invlists.withWriteLock { coarse = cq }
    }

    public func add(_ x: [Float], ids: [Int64]) throws {
        guard let cq = invlists.withReadLock({ coarse }) else { throw IndexError.notTrained }
        guard x.count == ids.count * dimension else {
            throw IndexError.dimensionMismatch(expected: ids.count * dimension, actual: x.count)
        }
        let xp = prepared(x)
        var lists = [Int32](repeating: 0, count: ids.count)
        xp.withUnsafeBufferPointer { cq.assign($0.baseAddress!, count: ids.count, lists: &lists) }
        let bytes = xp.withUnsafeBytes { Array($0) }
        try invlists.append(ids: ids, listOf: lists, codes: bytes, vectors: nil)
    }

    @discardableResult
    public func remove(ids: [Int64]) -> Int { invlists.remove(ids: ids) }

    public func search(_ queries: [Float], k: Int, nprobe: Int) throws -> SearchResults {
        guard let cq = invlists.withReadLock({ coarse }) else { throw IndexError.notTrained }
        let d = dimension
        guard queries.count % d == 0 else { throw IndexError.dimensionMismatch(expected: d, actual: queries.count % d) }
        guard k > 0, nprobe > 0 else { throw IndexError.invalidArgument("k and nprobe must be positive") }
        let nq = queries.count / d
        let np = min(nprobe, nlist)
        let qp = prepared(queries)
        var cd = [Float](repeating: 0, count: nq * np)
        var ci = [Int64](repeating: 0, count: nq * np)
        qp.withUnsafeBufferPointer { cq.search($0.baseAddress!, count: nq, nprobe: np, distances: &cd, lists: &ci) }
        let heap = TopKHeap(k: k)
        var ids = [Int64](repeating: -1, count: nq * k)
        var scores = [Float](repeating: .nan, count: nq * k)
        let ip = metric.usesInnerProduct
        qp.withUnsafeBufferPointer { qpp in
            for q in 0..<nq {
                let query = qpp.baseAddress! + q * d
                invlists.withReadLock {
                    heap.reset()
                    for p in 0..<np {
                        let l = Int(ci[q * np + p])
                        if l < 0 { continue }
                        let li = invlists.unsafeList(l)
                        if li.count == 0 { continue }
                        let v = li.codes!.assumingMemoryBound(to: Float.self)
                        for i in 0..<li.count {
                            let dist = ip ? -sl_inner(query, v + i * d, d) : sl_l2sqr(query, v + i * d, d)
                            if dist <= heap.threshold { heap.push(dist, li.ids![i]) }
                        }
                    }
                    let n = heap.sortInPlace()
                    for r in 0..<n {
                        ids[q * k + r] = heap.labels[r]
                        scores[q * k + r] = metric.score(fromDistance: heap.distances[r])
                    }
                }
            }
        }
        return SearchResults(queryCount: nq, k: k, ids: ids, scores: scores)
    }
}
