import ShopLookBLAS
import CShopLookSIMD

/// The IVF coarse quantizer: `nlist` k-means centroids; vectors go to their nearest
/// centroid (L2) or the one with the largest inner product (IP metrics).
/// Distances are "smaller is better": ‖q − c‖² for L2, −⟨q, c⟩ for IP.
public struct CoarseQuantizer: Sendable, Equatable {
    public let dimension: Int
    public let nlist: Int
    public let usesInnerProduct: Bool
    /// size nlist * dimension, layout (nlist, dimension)
    public let centroids: [Float]
    /// size nlist: ‖c‖²
    let norms: [Float]

    public init(dimension: Int, nlist: Int, usesInnerProduct: Bool, centroids: [Float]) throws {
        guard centroids.count == nlist * dimension, nlist > 0 else {
            throw IndexError.invalidArgument("coarse centroids: expected \(nlist) x \(dimension) floats, got \(centroids.count)")
        }
        self.dimension = dimension
        self.nlist = nlist
        self.usesInnerProduct = usesInnerProduct
        self.centroids = centroids
        var nr = [Float](repeating: 0, count: nlist)
        sl_norms_l2sqr(centroids, nlist, dimension, &nr)
        norms = nr
    }

    /// Trains the centroids with k-means on n row-major vectors (inner-product assignment
    /// for inner-product metrics, so training matches how vectors and queries are assigned).
    public static func train(_ x: [Float], dimension: Int, nlist: Int, usesInnerProduct: Bool,
                             parameters: KMeans.Parameters) throws -> CoarseQuantizer {
        var p = parameters
        p.k = nlist
        p.assignByInnerProduct = usesInnerProduct
        let km = try KMeans.train(x, dimension: dimension, parameters: p)
        return try CoarseQuantizer(dimension: dimension, nlist: nlist, usesInnerProduct: usesInnerProduct,
                                   centroids: km.centroids)
    }

    /// The nearest list of each of n vectors (stride = dimension).
    func assign(_ x: UnsafePointer<Float>, count n: Int, lists: UnsafeMutablePointer<Int32>) {
        let dist = UnsafeMutablePointer<Float>.allocate(capacity: max(n, 1))
        let lab = UnsafeMutablePointer<Int64>.allocate(capacity: max(n, 1))
        defer { dist.deallocate(); lab.deallocate() }
        search(x, count: n, nprobe: 1, distances: dist, lists: lab)
        for i in 0..<n { lists[i] = Int32(truncatingIfNeeded: lab[i]) }
    }

    /// The nprobe best lists of each of n queries, best first.
    /// distances and lists: size n * nprobe, layout (query, probe).
    func search(_ q: UnsafePointer<Float>, count n: Int, nprobe: Int,
                distances: UnsafeMutablePointer<Float>, lists: UnsafeMutablePointer<Int64>) {
        let np = min(nprobe, nlist)
        let block = max(1, min(n, (1 << 21) / nlist))
        let dots = UnsafeMutablePointer<Float>.allocate(capacity: block * nlist)
        defer { dots.deallocate() }
        centroids.withUnsafeBufferPointer { cp in
            norms.withUnsafeBufferPointer { cn in
                var i0 = 0
                while i0 < n {
                    let nb = min(block, n - i0)
                    BLAS.gemmABt(m: nb, n: nlist, k: dimension, a: q + i0 * dimension, lda: dimension,
                                 b: cp.baseAddress!, ldb: dimension, c: dots, ldc: nlist)
                    for r in 0..<nb {
                        let row = dots + r * nlist
                        if usesInnerProduct {
                            for j in 0..<nlist { row[j] = -row[j] }
                        } else {
                            let qn = sl_inner(q + (i0 + r) * dimension, q + (i0 + r) * dimension, dimension)
                            for j in 0..<nlist { row[j] = max(0, qn + cn[j] - 2 * row[j]) }
                        }
                        let o = (i0 + r) * nprobe
                        sl_select_smallest(row, nlist, np, distances + o, lists + o)
                        for p in np..<nprobe { distances[o + p] = .infinity; lists[o + p] = -1 }
                    }
                    i0 += nb
                }
            }
        }
    }
}
