import ShopLookCore
import Testing
@testable import ShopLookIndex
import CShopLookSIMD

@Suite struct QuantizerTests {
    /// The SIMD table kernel (ksub 16 for fast-scan, 256 for 8-bit) against the definition,
    /// with the scales the scanners use.
    @Test(arguments: [(4, Float(1)), (4, -2), (8, -1), (8, -2)])
    func innerProductTableMatchesDefinition(nbits: Int, scale: Float) throws {
        let d = 32, m = 8
        let x = TestData.mixture(n: 600, d: d, clusters: 12, seed: 31)
        var pq = try ProductQuantizer(dimension: d, m: m, nbits: nbits)
        try pq.train(x, seed: 2, iterations: 4)
        let q = TestData.mixture(n: 1, d: d, clusters: 3, seed: 32)
        var table = [Float](repeating: .nan, count: m * pq.ksub)
        q.withUnsafeBufferPointer { pq.innerProductTable(query: $0.baseAddress!, scale: scale, into: &table) }
        let ds = pq.dsub
        for j in 0..<m {
            for c in 0..<pq.ksub {
                var s: Float = 0
                for t in 0..<ds { s += q[j * ds + t] * pq.centroids[(j * pq.ksub + c) * ds + t] }
                let got = table[j * pq.ksub + c]
                #expect(abs(got - scale * s) <= 1e-4 * max(1, abs(s)), "sub-quantizer \(j) centroid \(c)")
            }
        }
    }

    @Test func pqReconstructionErrorIsBoundedAndBeatsRandomCodebooks() throws {
        let d = 32
        let x = TestData.mixture(n: 4000, d: d, clusters: 30, seed: 5)
        var pq = try ProductQuantizer(dimension: d, m: 8, nbits: 8)
        try pq.train(x, seed: 1, iterations: 15)
        let rec = pq.decode(pq.encode(x))
        var mean = [Double](repeating: 0, count: d)
        for i in 0..<4000 { for t in 0..<d { mean[t] += Double(x[i * d + t]) / 4000 } }
        var err = 0.0, variance = 0.0
        for i in 0..<(4000 * d) {
            err += Double((x[i] - rec[i]) * (x[i] - rec[i]))
            variance += (Double(x[i]) - mean[i % d]) * (Double(x[i]) - mean[i % d])
        }
        let rel = err / variance
        #expect(rel < 0.2, "relative reconstruction error \(rel)")
        // Random codebook: centroids drawn from the data at random, no training.
        var rng = SeededRandom(seed: 9)
        var rand = [Float](repeating: 0, count: 8 * 256 * 4)
        for j in 0..<8 { for c in 0..<256 {
            let i = rng.nextIndex(4000)
            for t in 0..<4 { rand[(j * 256 + c) * 4 + t] = x[i * d + j * 4 + t] * 0.5 + Float(rng.nextGaussian()) * 0.5 }
        } }
        let rpq = try ProductQuantizer(dimension: d, m: 8, nbits: 8, centroids: rand)
        let rrec = rpq.decode(rpq.encode(x))
        var rerr = 0.0
        for i in 0..<(4000 * d) { rerr += Double((x[i] - rrec[i]) * (x[i] - rrec[i])) }
        #expect(err < rerr * 0.8, "trained \(err) vs random \(rerr)")
        // Asymmetric distances equal the distance to the reconstruction.
        let q = Array(x[0..<d])
        let codes = pq.encode(Array(x[(d * 10)..<(d * 20)]))
        let ad = pq.asymmetricL2(query: q, codes: codes)
        let r = pq.decode(codes)
        for i in 0..<10 {
            var s: Float = 0
            for t in 0..<d { s += (q[t] - r[i * d + t]) * (q[t] - r[i * d + t]) }
            #expect(abs(ad[i] - s) <= 1e-3 * max(1, s))
        }
    }

    @Test(arguments: [16, 15, 64])
    func fastScanDistancesAreWithinQuantisationErrorOfExactPQ(m: Int) throws {
        let d = m * 2
        let x = TestData.mixture(n: 3000, d: d, clusters: 25, seed: 6)
        var pq = try ProductQuantizer(dimension: d, m: m, nbits: 4)
        try pq.train(x, seed: 2, iterations: 10)
        let n = 100  // not a multiple of 32: exercises the padded block
        let codes = pq.encode(Array(x[0..<(n * d)]))
        let blocks = FastScanCodes.pack(codes, m: m)
        #expect(FastScanCodes.unpack(blocks, count: n, m: m) == codes)
        let q = Array(x[(2000 * d)..<(2001 * d)])
        var lut = [Float](repeating: 0, count: m * 16)
        q.withUnsafeBufferPointer { pq.l2Table(query: $0.baseAddress!, into: &lut) }
        let exact = pq.asymmetricL2(query: q, codes: codes)
        let qt = FastScanCodes.quantize(lut, m: m)
        let tolerance = Float(m) * 0.5 / qt.scale + 1e-3
        for level in SIMDLevel.allCases where level <= SIMDLevel.maxSupported {
            var all: [UInt16] = []
            for b in 0..<((n + 31) / 32) {
                let acc = try #require(FastScanCodes.accumulate(blocks: blocks, block: b, m: m, table: qt.table, level: level))
                all += acc
            }
            for i in 0..<n {
                let approx = qt.bias + Float(all[i]) / qt.scale
                #expect(abs(approx - exact[i]) <= tolerance, "level \(level) vector \(i): \(approx) vs \(exact[i])")
            }
            // Every level computes identical integer sums.
            let ref = (0..<((n + 31) / 32)).flatMap {
                FastScanCodes.accumulate(blocks: blocks, block: $0, m: m, table: qt.table, level: .scalar)!
            }
            #expect(all == ref)
        }
    }

    @Test func float16ConversionMatchesSwiftFloat16() {
        var rng = SeededRandom(seed: 11)
        var v: [Float] = [0, -0, 1, -1, 65504, 70000, -70000, 1e-8, 6e-5, 5.96e-8, .infinity, -.infinity]
        for _ in 0..<2000 { v.append(Float(rng.nextGaussian() * 100)) }
        var h = [UInt16](repeating: 0, count: v.count)
        sl_f32_to_f16(v, &h, v.count)
        var back = [Float](repeating: 0, count: v.count)
        sl_f16_to_f32(h, &back, v.count)
        for i in 0..<v.count {
            #expect(h[i] == Float16(v[i]).bitPattern, "value \(v[i])")
            #expect(back[i] == Float(Float16(bitPattern: h[i])))
        }
    }

    @Test func distanceKernelsMatchNaive() {
        let a = TestData.mixture(n: 1, d: 37, seed: 1), b = TestData.mixture(n: 1, d: 37, seed: 2)
        var l2 = 0.0, ip = 0.0
        for t in 0..<37 { l2 += Double((a[t] - b[t]) * (a[t] - b[t])); ip += Double(a[t] * b[t]) }
        #expect(abs(Double(sl_l2sqr(a, b, 37)) - l2) < 1e-3)
        #expect(abs(Double(sl_inner(a, b, 37)) - ip) < 1e-3)
    }

    /// The coarse quantizer's selection (SIMD-filtered on AVX2) against sorting by
    /// (value, index), with many ties, a length that is not a multiple of 8 and k > n.
    @Test(arguments: [1, 4, 37, 1100])
    func selectSmallestEqualsSortedPrefix(k: Int) {
        var rng = SeededRandom(seed: 12)
        let n = 1003
        let v = (0..<n).map { _ in Float(rng.nextIndex(300)) - 150 }
        var d = [Float](repeating: 0, count: k), ids = [Int64](repeating: 0, count: k)
        sl_select_smallest(v, n, k, &d, &ids)
        let sorted = (0..<n).sorted { (v[$0], $0) < (v[$1], $1) }.prefix(k)
        #expect(Array(ids.prefix(min(k, n))) == sorted.map { Int64($0) })
        #expect(Array(d.prefix(min(k, n))) == sorted.map { v[$0] })
        if k > n { #expect(d[n...].allSatisfy { $0 == .infinity }) }
    }

    @Test func topKHeapKeepsTheBest() {
        let h = TopKHeap(k: 5)
        var rng = SeededRandom(seed: 3)
        var all: [(Float, Int64)] = []
        for i in 0..<200 {
            let d = Float(rng.nextIndex(50))
            all.append((d, Int64(i)))
            h.push(d, Int64(i))
        }
        all.sort { ($0.0, $0.1) < ($1.0, $1.1) }
        let got = h.drainSorted()
        #expect(got.map { $0.label } == all.prefix(5).map { $0.1 })
        #expect(got.map { $0.distance } == all.prefix(5).map { $0.0 })
    }
}
