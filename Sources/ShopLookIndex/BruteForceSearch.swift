import ShopLookBLAS
import CShopLookSIMD
import Dispatch

/// Exact k-nearest-neighbour search with sgemm in blocks (ground truth, tests).
public enum BruteForceSearch {
    /// Top-k of each query over all base vectors (row-major, dimension d).
    /// Ids are row indices; ties are broken by the smaller index. Uses up to
    /// `threads` threads for the per-query selection (BLAS follows its own setting).
    public static func search(base: [Float], queries: [Float], dimension d: Int, k: Int,
                              metric: Metric, threads: Int = 1) -> SearchResults {
        let n = base.count / d, nq = queries.count / d
        let kk = min(k, n)
        func normalised(_ x: [Float]) -> [Float] {
            guard metric == .cosine else { return x }
            var o = x
            for i in 0..<(x.count / d) {
                let s = sl_inner(Array(x[(i * d)..<((i + 1) * d)]), Array(x[(i * d)..<((i + 1) * d)]), d).squareRoot()
                if s > 0 { for t in 0..<d { o[i * d + t] /= s } }
            }
            return o
        }
        let b = normalised(base), q = normalised(queries)
        var hd = [Float](repeating: 0, count: nq * max(kk, 1))
        var hl = [Int64](repeating: 0, count: nq * max(kk, 1))
        var bn = [Float](repeating: 0, count: n)
        sl_norms_l2sqr(b, n, d, &bn)
        let ip = metric.usesInnerProduct
        let block = 16_384
        var dots = [Float](repeating: 0, count: nq * min(block, max(n, 1)))
        hd.withUnsafeMutableBufferPointer { hdp in
            hl.withUnsafeMutableBufferPointer { hlp in
                nonisolated(unsafe) let H = hdp.baseAddress!
                nonisolated(unsafe) let Lb = hlp.baseAddress!
                for i in 0..<nq { sl_heap_init(H + i * kk, Lb + i * kk, kk) }
                var i0 = 0
                while i0 < n {
                    let nb = min(block, n - i0)
                    q.withUnsafeBufferPointer { qp in
                        b.withUnsafeBufferPointer { bp in
                            dots.withUnsafeMutableBufferPointer { dp in
                                BLAS.gemmABt(m: nq, n: nb, k: d, a: qp.baseAddress!, lda: d, b: bp.baseAddress! + i0 * d,
                                             ldb: d, c: dp.baseAddress!, ldc: nb)
                            }
                        }
                    }
                    dots.withUnsafeMutableBufferPointer { dp in
                        bn.withUnsafeBufferPointer { bnp in
                            nonisolated(unsafe) let D = dp.baseAddress!
                            nonisolated(unsafe) let BN = bnp.baseAddress!
                            let start = i0
                            let work: @Sendable (Int) -> Void = { (qi: Int) in
                                let row = D + qi * nb
                                for j in 0..<nb { row[j] = ip ? -row[j] : BN[start + j] - 2 * row[j] }
                                sl_heap_push_array(H + qi * kk, Lb + qi * kk, kk, row, nb, Int64(start))
                            }
                            if threads > 1 {
                                DispatchQueue.concurrentPerform(iterations: nq) { work($0) }
                            } else {
                                for qi in 0..<nq { work(qi) }
                            }
                        }
                    }
                    i0 += nb
                }
                for i in 0..<nq { sl_heap_sort(H + i * kk, Lb + i * kk, kk) }
            }
        }
        // Report true scores (add ‖q‖² back for L2).
        var scores = [Float](repeating: .nan, count: nq * k)
        var ids = [Int64](repeating: -1, count: nq * k)
        for i in 0..<nq {
            let qn = ip ? 0 : sl_inner(Array(q[(i * d)..<((i + 1) * d)]), Array(q[(i * d)..<((i + 1) * d)]), d)
            for r in 0..<kk {
                ids[i * k + r] = hl[i * kk + r]
                scores[i * k + r] = metric.score(fromDistance: hd[i * kk + r] + qn)
            }
        }
        return SearchResults(queryCount: nq, k: k, ids: ids, scores: scores)
    }
}
