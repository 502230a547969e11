import ShopLookCore
#if canImport(Glibc)
import Glibc
#endif
@testable import ShopLookIndex

/// Seeded gaussian-mixture test data.
enum TestData {
    static func mixture(n: Int, d: Int, clusters: Int = 20, seed: UInt64, spread: Float = 0.5) -> [Float] {
        var rng = SeededRandom(seed: seed)
        var centers = [Float](repeating: 0, count: clusters * d)
        var crng = SeededRandom(seed: 4242)  // same centres for base and queries
        for i in 0..<centers.count { centers[i] = Float(crng.nextGaussian()) }
        var out = [Float](repeating: 0, count: n * d)
        for i in 0..<n {
            let c = rng.nextIndex(clusters)
            for t in 0..<d { out[i * d + t] = centers[c * d + t] + spread * Float(rng.nextGaussian()) }
        }
        return out
    }

    static func normalized(_ x: [Float], d: Int) -> [Float] {
        var o = x
        for i in 0..<(x.count / d) {
            var s: Float = 0
            for t in 0..<d { s += x[i * d + t] * x[i * d + t] }
            let inv = 1 / s.squareRoot()
            for t in 0..<d { o[i * d + t] *= inv }
        }
        return o
    }

    /// Naive double-precision brute force: (id, score) best first.
    static func bruteForce(base: [Float], query: ArraySlice<Float>, d: Int, k: Int, metric: Metric,
                           ids: [Int64]? = nil, exclude: Set<Int64> = []) -> [(Int64, Double)] {
        let q = Array(query)
        var all: [(Int64, Double)] = []
        for i in 0..<(base.count / d) {
            let id = ids?[i] ?? Int64(i)
            if exclude.contains(id) { continue }
            var s = 0.0
            for t in 0..<d {
                let a = Double(q[t]), b = Double(base[i * d + t])
                s += metric == .l2 ? (a - b) * (a - b) : a * b
            }
            all.append((id, s))
        }
        all.sort { metric == .l2 ? ($0.1, $0.0) < ($1.1, $1.0) : ($0.1 > $1.1 || ($0.1 == $1.1 && $0.0 < $1.0)) }
        return Array(all.prefix(k))
    }

    static func tempPath(_ name: String) -> String {
        var r = SeededRandom(seed: UInt64(UInt(bitPattern: Int(getpid()))) &+ UInt64(name.utf8.count) &* 7919)
        return "/tmp/shoplook-index-test-\(getpid())-\(name)-\(r.next() % 1_000_000)"
    }

    static func readBytes(_ path: String) -> [UInt8] {
        guard let f = fopen(path, "rb") else { return [] }
        defer { fclose(f) }
        fseek(f, 0, SEEK_END)
        let n = ftell(f)
        fseek(f, 0, SEEK_SET)
        var b = [UInt8](repeating: 0, count: n)
        _ = b.withUnsafeMutableBytes { fread($0.baseAddress!, 1, n, f) }
        return b
    }

    static func writeBytes(_ path: String, _ b: [UInt8]) {
        guard let f = fopen(path, "wb") else { return }
        _ = b.withUnsafeBytes { fwrite($0.baseAddress!, 1, b.count, f) }
        fclose(f)
    }
}
