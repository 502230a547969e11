import ShopLookCore
import ArgumentParser
import ShopLookBLAS
import Dispatch
import ShopLookIndex
#if canImport(Glibc)
import Glibc
#endif

@main
struct IndexBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shoplook-index-bench",
        abstract: "Generate data and benchmark the ShopLook IVF-PQ index.",
        subcommands: [Generate.self, Run.self])
}

func seconds(_ d: Duration) -> Double {
    Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
}

func log(_ s: String) {
    let line = s + "\n"
    _ = line.withCString { Glibc.write(2, $0, strlen($0)) }
}

// MARK: - generate

struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Seeded gaussian-mixture data (Zipf cluster sizes), queries and exact top-100 ground truth.")

    @Option(help: "Output directory.") var out: String
    @Option(help: "Base vectors.") var count: Int = 1_000_000
    @Option(help: "Dimension.") var dim: Int = 256
    @Option(help: "Query vectors.") var queries: Int = 1000
    @Option(help: "Seed.") var seed: UInt64 = 7
    @Option(help: "l2 (raw vectors) or ip (L2-normalised vectors, inner product).") var metric: String = "l2"
    @Option(help: "Mixture components.") var clusters: Int = 1000
    @Option(help: "Zipf exponent of the cluster sizes.") var zipf: Double = 0.8
    @Option(help: "Intrinsic dimension of each component.") var latent: Int = 24
    @Option(help: "Ground-truth neighbours per query.") var gtK: Int = 100

    func run() throws {
        guard metric == "l2" || metric == "ip" else { throw ValidationError("--metric must be l2 or ip") }
        mkdir(out, 0o755)
        let t0 = ContinuousClock.now
        // Mixture: centre μ_c ~ N(0, I); point = μ_c + σ_c · B_c z / √latent + 0.2 · ε
        var rng = SeededRandom(seed: seed)
        let d = dim, L = latent, C = clusters
        var centers = [Float](repeating: 0, count: C * d)
        for i in 0..<(C * d) { centers[i] = Float(rng.nextGaussian()) }
        var bases = [Float](repeating: 0, count: C * d * L)
        for i in 0..<(C * d * L) { bases[i] = Float(rng.nextGaussian()) }
        var sigma = [Float](repeating: 0, count: C)
        for c in 0..<C { sigma[c] = Float(0.6 + 0.4 * rng.nextUnit()) }
        var cdf = [Double](repeating: 0, count: C)
        var acc = 0.0
        for c in 0..<C { acc += 1 / _pow(Double(c + 1), zipf); cdf[c] = acc }
        for c in 0..<C { cdf[c] /= acc }
        let (cs, bs, sg, cd) = (centers, bases, sigma, cdf)
        func makePoints(_ n: Int, stream: UInt64) -> [Float] {
            let chunk = 16_384
            let nchunks = (n + chunk - 1) / chunk
            var outData = [Float](repeating: 0, count: n * d)
            outData.withUnsafeMutableBufferPointer { op in
                nonisolated(unsafe) let base = op.baseAddress!
                DispatchQueue.concurrentPerform(iterations: nchunks) { ci in
                    var r = SeededRandom(seed: seed &* 0x9E37_79B9_7F4A_7C15 &+ stream &* 1_000_003 &+ UInt64(ci))
                    var z = [Float](repeating: 0, count: L)
                    let inv = 1 / Float(L).squareRoot()
                    for i in (ci * chunk)..<min(n, (ci + 1) * chunk) {
                        let u = r.nextUnit()
                        var lo = 0, hi = C - 1
                        while lo < hi { let mid = (lo + hi) / 2; if cd[mid] < u { lo = mid + 1 } else { hi = mid } }
                        let c = lo
                        for j in 0..<L { z[j] = Float(r.nextGaussian()) * inv * sg[c] }
                        let row = base + i * d
                        for t in 0..<d {
                            var s = cs[c * d + t] + 0.2 * Float(r.nextGaussian())
                            let b = c * d * L + t * L
                            for j in 0..<L { s += bs[b + j] * z[j] }
                            row[t] = s
                        }
                    }
                }
            }
            if metric == "ip" {
                for i in 0..<n {
                    var s: Float = 0
                    for t in 0..<d { s += outData[i * d + t] * outData[i * d + t] }
                    let inv = 1 / s.squareRoot()
                    for t in 0..<d { outData[i * d + t] *= inv }
                }
            }
            return outData
        }
        let base = makePoints(count, stream: 1)
        let qs = makePoints(queries, stream: 2)
        log("generated in \(seconds(ContinuousClock.now - t0)) s")
        try VecFiles.write(out + "/base.fvecs", rows: base, d: d)
        try VecFiles.write(out + "/queries.fvecs", rows: qs, d: d)
        // Exact ground truth with sgemm in blocks.
        let t1 = ContinuousClock.now
        let k = min(gtK, count)
        let gtRes = BruteForceSearch.search(base: base, queries: qs, dimension: d, k: k,
                                            metric: metric == "ip" ? .innerProduct : .l2, threads: 2)
        let gt = gtRes.ids.map { Int32(truncatingIfNeeded: $0) }
        try VecFiles.write(out + "/groundtruth.ivecs", rows: gt, d: k)
        let meta = "metric=\(metric)\ncount=\(count)\ndim=\(dim)\nqueries=\(queries)\nseed=\(seed)\nclusters=\(clusters)\nzipf=\(zipf)\nlatent=\(latent)\n"
        if let f = fopen(out + "/meta.txt", "w") { fputs(meta, f); fclose(f) }
        log("ground truth in \(seconds(ContinuousClock.now - t1)) s")
    }
}

#if canImport(Glibc)
@inline(__always) func _pow(_ a: Double, _ b: Double) -> Double { Glibc.pow(a, b) }
#endif
