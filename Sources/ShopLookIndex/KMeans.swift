import ShopLookCore
import ShopLookBLAS
import CShopLookSIMD

/// Lloyd's k-means with BLAS distance computations (‖x‖² − 2x·c + ‖c‖²).
///
/// Deterministic for a given seed (own SplitMix64/xoshiro RNG; OpenBLAS is
/// deterministic for a fixed thread count). Large inputs are subsampled to
/// `k * maxPointsPerCentroid` points; empty clusters are repaired by splitting
/// a large cluster.
public struct KMeans: Sendable {
    public enum Initialization: Sendable, Equatable {
        /// k distinct random training points (Faiss's default).
        case randomSample
        /// k-means++ (D² sampling); O(n k d), meant for small inputs.
        case plusPlus
    }

    public struct Parameters: Sendable, Equatable {
        public var k: Int
        public var iterations: Int
        public var seed: UInt64
        public var maxPointsPerCentroid: Int
        public var initialization: Initialization
        /// Assign points to the centroid with the largest inner product instead of the
        /// nearest one (Faiss's IVF training for inner-product metrics); the update step
        /// is still the mean of the assigned points.
        public var assignByInnerProduct: Bool

        public init(k: Int, iterations: Int = 20, seed: UInt64 = 1234,
                    maxPointsPerCentroid: Int = 256, initialization: Initialization = .randomSample,
                    assignByInnerProduct: Bool = false) {
            self.k = k
            self.iterations = iterations
            self.seed = seed
            self.maxPointsPerCentroid = maxPointsPerCentroid
            self.initialization = initialization
            self.assignByInnerProduct = assignByInnerProduct
        }
    }

    public let dimension: Int
    public let k: Int
    /// size k * dimension, layout (k, dimension)
    public let centroids: [Float]
    /// Sum of squared distances to the nearest centroid after each iteration
    /// (with `assignByInnerProduct`: minus the sum of the best inner products).
    public let objectiveHistory: [Double]

    /// Trains on n row-major vectors of `dimension` floats (x.count == n * dimension).
    public static func train(_ x: [Float], dimension d: Int, parameters p: Parameters) throws -> KMeans {
        guard d > 0, x.count % d == 0 else { throw IndexError.invalidArgument("k-means input is not n x \(d)") }
        let n = x.count / d
        guard p.k > 0 else { throw IndexError.invalidArgument("k must be positive") }
        guard n >= p.k else { throw IndexError.trainingFailed("k-means needs at least k=\(p.k) points, got \(n)") }
        guard p.iterations >= 0, p.maxPointsPerCentroid > 0 else { throw IndexError.invalidArgument("bad k-means parameters") }
        var rng = SeededRandom(seed: p.seed)
        let k = p.k

        // Subsample large inputs.
        var data: [Float]
        var nt = n
        if n > k * p.maxPointsPerCentroid {
            nt = k * p.maxPointsPerCentroid
            let idx = rng.sample(nt, from: n).sorted()
            data = [Float](repeating: 0, count: nt * d)
            data.withUnsafeMutableBufferPointer { dst in
                x.withUnsafeBufferPointer { src in
                    for (r, i) in idx.enumerated() {
                        (dst.baseAddress! + r * d).update(from: src.baseAddress! + i * d, count: d)
                    }
                }
            }
        } else {
            data = x
        }

        var cent = [Float](repeating: 0, count: k * d)
        var history: [Double] = []
        data.withUnsafeBufferPointer { xp in
            let X = xp.baseAddress!
            cent.withUnsafeMutableBufferPointer { cp in
                let C = cp.baseAddress!
                // Initialisation.
                switch p.initialization {
                case .randomSample:
                    let pick = rng.sample(k, from: nt)
                    for (j, i) in pick.enumerated() { (C + j * d).update(from: X + i * d, count: d) }
                case .plusPlus:
                    plusPlusInit(X, nt, d, k, C, &rng)
                }
                var xnorms = [Float](repeating: 0, count: nt)
                sl_norms_l2sqr(X, nt, d, &xnorms)
                var assign = [Int32](repeating: 0, count: nt)
                var minv = [Float](repeating: 0, count: nt)
                var cnorms = [Float](repeating: 0, count: k)
                var counts = [Int](repeating: 0, count: k)
                for _ in 0..<p.iterations {
                    if !p.assignByInnerProduct { sl_norms_l2sqr(C, k, d, &cnorms) }
                    assign.withUnsafeMutableBufferPointer { a in
                        minv.withUnsafeMutableBufferPointer { mv in
                            assignL2(X, n: nt, ldx: d, d: d, centroids: C, ldc: d, k: k,
                                     centroidNorms: cnorms, assign: a.baseAddress!, minValue: mv.baseAddress!)
                        }
                    }
                    var obj = 0.0
                    if p.assignByInnerProduct {
                        for i in 0..<nt { obj += Double(minv[i]) / 2 }
                    } else {
                        for i in 0..<nt { obj += Double(max(0, xnorms[i] + minv[i])) }
                    }
                    history.append(obj)
                    // Update step.
                    C.update(repeating: 0, count: k * d)
                    for j in 0..<k { counts[j] = 0 }
                    for i in 0..<nt {
                        let c = Int(assign[i])
                        counts[c] += 1
                        let dst = C + c * d, src = X + i * d
                        for t in 0..<d { dst[t] += src[t] }
                    }
                    for j in 0..<k where counts[j] > 0 {
                        let inv = 1 / Float(counts[j])
                        let dst = C + j * d
                        for t in 0..<d { dst[t] *= inv }
                    }
                    splitEmptyClusters(C, d: d, k: k, n: nt, counts: &counts, rng: &rng)
                }
            }
        }
        return KMeans(dimension: d, k: k, centroids: cent, objectiveHistory: history)
    }

    private init(dimension: Int, k: Int, centroids: [Float], objectiveHistory: [Double]) {
        self.dimension = dimension
        self.k = k
        self.centroids = centroids
        self.objectiveHistory = objectiveHistory
    }

    /// Nearest centroid for each vector (squared L2); returns (index, squared distance).
    public func assign(_ x: [Float]) -> (indices: [Int32], distances: [Float]) {
        let n = x.count / dimension
        var idx = [Int32](repeating: 0, count: n)
        var mv = [Float](repeating: 0, count: n)
        var cn = [Float](repeating: 0, count: k)
        sl_norms_l2sqr(centroids, k, dimension, &cn)
        var xn = [Float](repeating: 0, count: n)
        sl_norms_l2sqr(x, n, dimension, &xn)
        x.withUnsafeBufferPointer { xp in
            centroids.withUnsafeBufferPointer { cp in
                KMeans.assignL2(xp.baseAddress!, n: n, ldx: dimension, d: dimension, centroids: cp.baseAddress!,
                                ldc: dimension, k: k, centroidNorms: cn, assign: &idx, minValue: &mv)
            }
        }
        for i in 0..<n { mv[i] = max(0, mv[i] + xn[i]) }
        return (idx, mv)
    }

    /// For each of n rows (stride ldx, first d floats), the nearest of k centroids
    /// (stride ldc) by squared L2; minValue gets ‖c‖² − 2x·c (add ‖x‖² for the distance).
    static func assignL2(_ x: UnsafePointer<Float>, n: Int, ldx: Int, d: Int,
                         centroids: UnsafePointer<Float>, ldc: Int, k: Int,
                         centroidNorms: UnsafePointer<Float>,
                         assign: UnsafeMutablePointer<Int32>, minValue: UnsafeMutablePointer<Float>) {
        if d <= 16 {
            // Small sub-spaces (PQ): direct SIMD distances beat sgemm with a tiny inner dimension.
            let cT = UnsafeMutablePointer<Float>.allocate(capacity: d * k)
            defer { cT.deallocate() }
            for j in 0..<k { for t in 0..<d { cT[t * k + j] = centroids[j * ldc + t] } }
            sl_argmin_l2_small(x, n, ldx, d, cT, centroidNorms, k, assign, minValue)
            return
        }
        let block = max(1, min(n, (1 << 20) / max(k, 1)))
        let dots = UnsafeMutablePointer<Float>.allocate(capacity: block * k)
        defer { dots.deallocate() }
        var i0 = 0
        while i0 < n {
            let nb = min(block, n - i0)
            BLAS.gemmABt(m: nb, n: k, k: d, a: x + i0 * ldx, lda: ldx, b: centroids, ldb: ldc, c: dots, ldc: k)
            sl_argmin_l2(dots, nb, k, centroidNorms, assign + i0, minValue + i0)
            i0 += nb
        }
    }

    private static func plusPlusInit(_ X: UnsafePointer<Float>, _ n: Int, _ d: Int, _ k: Int,
                                     _ C: UnsafeMutablePointer<Float>, _ rng: inout SeededRandom) {
        var dmin = [Float](repeating: .infinity, count: n)
        var chosen = rng.nextIndex(n)
        for j in 0..<k {
            (C + j * d).update(from: X + chosen * d, count: d)
            if j == k - 1 { break }
            var total = 0.0
            for i in 0..<n {
                let dd = sl_l2sqr(X + i * d, C + j * d, d)
                if dd < dmin[i] { dmin[i] = dd }
                total += Double(dmin[i])
            }
            if total <= 0 {
                chosen = rng.nextIndex(n)
                continue
            }
            var r = rng.nextUnit() * total
            chosen = n - 1
            for i in 0..<n {
                r -= Double(dmin[i])
                if r < 0 { chosen = i; break }
            }
        }
    }

    /// Splits large clusters to fill empty ones (perturbing the copied centroid).
    private static func splitEmptyClusters(_ C: UnsafeMutablePointer<Float>, d: Int, k: Int, n: Int,
                                           counts: inout [Int], rng: inout SeededRandom) {
        let eps: Float = 1.0 / 1024
        for ci in 0..<k where counts[ci] == 0 {
            var cj = 0
            while true {
                // Pick a cluster with probability proportional to (size - 1).
                let total = counts.reduce(0) { $0 + max(0, $1 - 1) }
                if total == 0 { return }
                var r = rng.nextIndex(total)
                cj = 0
                while r >= max(0, counts[cj] - 1) { r -= max(0, counts[cj] - 1); cj += 1 }
                if counts[cj] > 1 { break }
            }
            (C + ci * d).update(from: C + cj * d, count: d)
            for t in 0..<d {
                if t % 2 == 0 {
                    C[ci * d + t] *= 1 + eps
                    C[cj * d + t] *= 1 - eps
                } else {
                    C[ci * d + t] *= 1 - eps
                    C[cj * d + t] *= 1 + eps
                }
            }
            counts[ci] = counts[cj] / 2
            counts[cj] -= counts[ci]
        }
    }
}
