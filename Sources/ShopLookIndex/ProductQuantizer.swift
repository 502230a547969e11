import CShopLookSIMD

/// Product quantizer: the vector is cut into `m` sub-vectors of `dsub = dimension / m`
/// floats, each quantised to one of `ksub = 2^nbits` centroids (nbits 4 or 8).
///
/// Codes are handled unpacked here: one code per byte, size n * m, layout (n, m).
/// (`FastScanCodes` packs 4-bit codes into the SIMD block layout.)
public struct ProductQuantizer: Sendable, Equatable {
    public let dimension: Int
    public let m: Int
    public let nbits: Int
    public var ksub: Int { 1 << nbits }
    public var dsub: Int { dimension / m }
    /// size m * ksub * dsub, layout (m, ksub, dsub)
    public private(set) var centroids: [Float]
    /// size m * dsub * ksub, layout (m, dsub, ksub): transposed codebooks for table building
    private(set) var centroidsTransposed: [Float]
    /// size m * ksub, layout (m, ksub): squared norms of the centroids
    private(set) var centroidNorms: [Float]
    public private(set) var isTrained: Bool

    public init(dimension: Int, m: Int, nbits: Int) throws {
        guard m > 0, dimension > 0, dimension % m == 0 else {
            throw IndexError.invalidArgument("dimension \(dimension) is not a multiple of m=\(m)")
        }
        guard nbits == 4 || nbits == 8 else { throw IndexError.invalidArgument("nbits must be 4 or 8, got \(nbits)") }
        self.dimension = dimension
        self.m = m
        self.nbits = nbits
        let n = m * (1 << nbits) * (dimension / m)
        centroids = [Float](repeating: 0, count: n)
        centroidsTransposed = centroids
        centroidNorms = [Float](repeating: 0, count: m * (1 << nbits))
        isTrained = false
    }

    /// Rebuilds a trained quantizer from its codebooks (size m * ksub * dsub, layout (m, ksub, dsub)).
    public init(dimension: Int, m: Int, nbits: Int, centroids: [Float]) throws {
        try self.init(dimension: dimension, m: m, nbits: nbits)
        guard centroids.count == self.centroids.count else {
            throw IndexError.invalidArgument("codebook size \(centroids.count) != \(self.centroids.count)")
        }
        setCentroids(centroids)
    }

    private mutating func setCentroids(_ c: [Float]) {
        centroids = c
        let ks = ksub, ds = dsub
        var t = [Float](repeating: 0, count: c.count)
        for mm in 0..<m {
            for k in 0..<ks {
                for j in 0..<ds { t[(mm * ds + j) * ks + k] = c[(mm * ks + k) * ds + j] }
            }
        }
        centroidsTransposed = t
        var norms = [Float](repeating: 0, count: m * ks)
        sl_norms_l2sqr(c, m * ks, ds, &norms)
        centroidNorms = norms
        isTrained = true
    }

    /// Trains the m codebooks on n row-major vectors (x.count == n * dimension).
    public mutating func train(_ x: [Float], seed: UInt64, iterations: Int = 25, maxPointsPerCentroid: Int = 256) throws {
        guard x.count % dimension == 0 else { throw IndexError.dimensionMismatch(expected: dimension, actual: x.count) }
        let n = x.count / dimension
        guard n >= ksub else { throw IndexError.trainingFailed("PQ training needs at least \(ksub) vectors, got \(n)") }
        let ks = ksub, ds = dsub
        var all = [Float](repeating: 0, count: m * ks * ds)
        var sub = [Float](repeating: 0, count: n * ds)
        for mm in 0..<m {
            for i in 0..<n {
                for j in 0..<ds { sub[i * ds + j] = x[i * dimension + mm * ds + j] }
            }
            let km = try KMeans.train(sub, dimension: ds, parameters: .init(
                k: ks, iterations: iterations, seed: seed &+ UInt64(mm) &* 0x9E37_79B9,
                maxPointsPerCentroid: maxPointsPerCentroid))
            for i in 0..<(ks * ds) { all[mm * ks * ds + i] = km.centroids[i] }
        }
        setCentroids(all)
    }

    /// Encodes n vectors (rows of `stride` floats, first `dimension` used) into
    /// codes (size n * m, layout (n, m), one code per byte).
    public func encode(_ x: UnsafePointer<Float>, count n: Int, stride: Int? = nil,
                       codes: UnsafeMutablePointer<UInt8>) {
        let ld = stride ?? dimension
        let ks = ksub, ds = dsub
        let assign = UnsafeMutablePointer<Int32>.allocate(capacity: max(n, 1))
        let minv = UnsafeMutablePointer<Float>.allocate(capacity: max(n, 1))
        defer { assign.deallocate(); minv.deallocate() }
        centroids.withUnsafeBufferPointer { cp in
            centroidNorms.withUnsafeBufferPointer { np in
                for mm in 0..<m {
                    KMeans.assignL2(x + mm * ds, n: n, ldx: ld, d: ds, centroids: cp.baseAddress! + mm * ks * ds,
                                    ldc: ds, k: ks, centroidNorms: np.baseAddress! + mm * ks,
                                    assign: assign, minValue: minv)
                    for i in 0..<n { codes[i * m + mm] = UInt8(truncatingIfNeeded: assign[i]) }
                }
            }
        }
    }

    /// Encodes n row-major vectors; returns codes of size n * m, layout (n, m).
    public func encode(_ x: [Float]) -> [UInt8] {
        let n = x.count / dimension
        var codes = [UInt8](repeating: 0, count: n * m)
        x.withUnsafeBufferPointer { xp in
            codes.withUnsafeMutableBufferPointer { cp in encode(xp.baseAddress!, count: n, codes: cp.baseAddress!) }
        }
        return codes
    }

    /// Decodes codes (size n * m, layout (n, m)) into vectors (size n * dimension).
    public func decode(_ codes: [UInt8]) -> [Float] {
        let n = codes.count / m
        let ks = ksub, ds = dsub
        var out = [Float](repeating: 0, count: n * dimension)
        for i in 0..<n {
            for mm in 0..<m {
                let c = Int(codes[i * m + mm])
                for j in 0..<ds { out[i * dimension + mm * ds + j] = centroids[(mm * ks + c) * ds + j] }
            }
        }
        return out
    }

    /// out[mm * ksub + c] = scale * <q_mm, centroid(mm, c)>; out has m * ksub floats.
    /// (The scale lets the scanners get −2⟨·,·⟩ or −⟨·,·⟩ tables in the same pass.)
    @inline(__always)
    public func innerProductTable(query q: UnsafePointer<Float>, scale: Float = 1, into out: UnsafeMutablePointer<Float>) {
        centroidsTransposed.withUnsafeBufferPointer { t in
            sl_pq_ip_table(q, t.baseAddress!, m, ksub, dsub, scale, out)
        }
    }

    /// out[mm * ksub + c] = ‖q_mm − centroid(mm, c)‖²; out has m * ksub floats.
    public func l2Table(query q: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>) {
        innerProductTable(query: q, scale: -2, into: out)
        let ks = ksub, ds = dsub
        for mm in 0..<m {
            let qn = sl_inner(q + mm * ds, q + mm * ds, ds)
            for c in 0..<ks { out[mm * ks + c] += qn + centroidNorms[mm * ks + c] }
        }
    }

    /// Asymmetric distances from a query to n codes using `l2Table` (for tests and tools).
    public func asymmetricL2(query: [Float], codes: [UInt8]) -> [Float] {
        var table = [Float](repeating: 0, count: m * ksub)
        query.withUnsafeBufferPointer { l2Table(query: $0.baseAddress!, into: &table) }
        let n = codes.count / m
        var out = [Float](repeating: 0, count: n)
        if nbits == 8 {
            sl_pq8_distances(codes, n, m, table, 0, &out)
        } else {
            for i in 0..<n {
                var s: Float = 0
                for mm in 0..<m { s += table[mm * ksub + Int(codes[i * m + mm])] }
                out[i] = s
            }
        }
        return out
    }
}
