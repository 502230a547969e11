import ShopLookCore
import ShopLookBLAS
import CShopLookSIMD

/// A linear pre-transform learned from data: PCA (eigenvectors of the covariance,
/// from LAPACK `ssyev` in OpenBLAS) to `outputDimension`, optionally followed by a
/// random orthogonal rotation that spreads the variance evenly over the PQ
/// sub-spaces (like Faiss's "PCAR").
///
/// y = (x − mean) · matrixᵀ. For inner-product metrics the mean is zero (centring
/// would change inner products); the matrix rows are orthonormal so distances
/// and inner products are preserved on the kept sub-space.
public struct PCATransform: Sendable, Equatable {
    public let inputDimension: Int
    public let outputDimension: Int
    /// size inputDimension
    public let mean: [Float]
    /// size outputDimension * inputDimension, layout (outputDimension, inputDimension); orthonormal rows
    public let matrix: [Float]
    /// size outputDimension: mean · matrixᵀ
    private let offset: [Float]

    public init(inputDimension: Int, outputDimension: Int, mean: [Float], matrix: [Float]) throws {
        guard outputDimension > 0, outputDimension <= inputDimension,
              mean.count == inputDimension, matrix.count == inputDimension * outputDimension else {
            throw IndexError.invalidArgument("PCA transform shapes do not match \(inputDimension) -> \(outputDimension)")
        }
        self.inputDimension = inputDimension
        self.outputDimension = outputDimension
        self.mean = mean
        self.matrix = matrix
        var off = [Float](repeating: 0, count: outputDimension)
        for o in 0..<outputDimension {
            var s: Float = 0
            for i in 0..<inputDimension { s += mean[i] * matrix[o * inputDimension + i] }
            off[o] = s
        }
        offset = off
    }

    /// Learns the transform from n row-major vectors (subsampled to maxTrainingPoints).
    public static func train(_ x: [Float], inputDimension d: Int, outputDimension dout: Int, center: Bool,
                             randomRotationSeed: UInt64?, maxTrainingPoints: Int = 65_536) throws -> PCATransform {
        guard d > 0, x.count % d == 0, dout > 0, dout <= d else {
            throw IndexError.invalidArgument("PCA \(d) -> \(dout) on \(x.count) floats")
        }
        var n = x.count / d
        guard n >= 2 else { throw IndexError.trainingFailed("PCA needs at least 2 vectors") }
        var data = x
        if n > maxTrainingPoints {
            var rng = SeededRandom(seed: randomRotationSeed ?? 77)
            let idx = rng.sample(maxTrainingPoints, from: n).sorted()
            data = [Float](repeating: 0, count: maxTrainingPoints * d)
            for (r, i) in idx.enumerated() { for t in 0..<d { data[r * d + t] = x[i * d + t] } }
            n = maxTrainingPoints
        }
        var mean = [Float](repeating: 0, count: d)
        if center {
            var acc = [Double](repeating: 0, count: d)
            for i in 0..<n { for t in 0..<d { acc[t] += Double(data[i * d + t]) } }
            for t in 0..<d { mean[t] = Float(acc[t] / Double(n)) }
            for i in 0..<n { for t in 0..<d { data[i * d + t] -= mean[t] } }
        }
        var cov = [Float](repeating: 0, count: d * d)
        data.withUnsafeBufferPointer { xp in
            cov.withUnsafeMutableBufferPointer { cp in
                BLAS.gemmAtB(m: d, n: d, k: n, alpha: 1 / Float(n), a: xp.baseAddress!, lda: d,
                             b: xp.baseAddress!, ldb: d, c: cp.baseAddress!, ldc: d)
            }
        }
        // ssyev: eigenvalues ascending; eigenvectors in the columns of the column-major
        // matrix, i.e. row j of our row-major buffer is eigenvector j.
        var w = [Float](repeating: 0, count: d)
        var info: Int32 = 0
        var nn = Int32(d), lda = Int32(d), lwork: Int32 = -1
        var wq: Float = 0
        var jobz = CChar(UInt8(ascii: "V")), uplo = CChar(UInt8(ascii: "U"))
        ssyev_(&jobz, &uplo, &nn, &cov, &lda, &w, &wq, &lwork, &info)
        lwork = Int32(wq) + 1
        var work = [Float](repeating: 0, count: Int(lwork))
        ssyev_(&jobz, &uplo, &nn, &cov, &lda, &w, &work, &lwork, &info)
        guard info == 0 else { throw IndexError.trainingFailed("ssyev failed with info=\(info)") }
        var P = [Float](repeating: 0, count: dout * d)
        for o in 0..<dout {
            let src = d - 1 - o
            for t in 0..<d { P[o * d + t] = cov[src * d + t] }
        }
        if let seed = randomRotationSeed {
            let R = randomOrthogonal(dout, seed: seed)
            var RP = [Float](repeating: 0, count: dout * d)
            R.withUnsafeBufferPointer { rp in
                P.withUnsafeBufferPointer { pp in
                    RP.withUnsafeMutableBufferPointer { o in
                        BLAS.gemmAB(m: dout, n: d, k: dout, a: rp.baseAddress!, lda: dout,
                                    b: pp.baseAddress!, ldb: d, c: o.baseAddress!, ldc: d)
                    }
                }
            }
            P = RP
        }
        return try PCATransform(inputDimension: d, outputDimension: dout, mean: mean, matrix: P)
    }

    /// Random orthogonal matrix (n x n, row-major) by Gram–Schmidt on gaussian rows.
    static func randomOrthogonal(_ n: Int, seed: UInt64) -> [Float] {
        var rng = SeededRandom(seed: seed)
        var q = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            while true {
                for t in 0..<n { q[i * n + t] = rng.nextGaussian() }
                for _ in 0..<2 {
                    for j in 0..<i {
                        var dot = 0.0
                        for t in 0..<n { dot += q[i * n + t] * q[j * n + t] }
                        for t in 0..<n { q[i * n + t] -= dot * q[j * n + t] }
                    }
                }
                var norm = 0.0
                for t in 0..<n { norm += q[i * n + t] * q[i * n + t] }
                if norm > 1e-12 {
                    let inv = 1 / norm.squareRoot()
                    for t in 0..<n { q[i * n + t] *= inv }
                    break
                }
            }
        }
        return q.map { Float($0) }
    }

    /// y (n x outputDimension) = (x − mean) · matrixᵀ for n rows of inputDimension floats.
    public func apply(_ x: UnsafePointer<Float>, count n: Int, into y: UnsafeMutablePointer<Float>) {
        matrix.withUnsafeBufferPointer { mp in
            BLAS.gemmABt(m: n, n: outputDimension, k: inputDimension, a: x, lda: inputDimension,
                         b: mp.baseAddress!, ldb: inputDimension, c: y, ldc: outputDimension)
        }
        offset.withUnsafeBufferPointer { off in
            for i in 0..<n { for o in 0..<outputDimension { y[i * outputDimension + o] -= off[o] } }
        }
    }

    public func apply(_ x: [Float]) -> [Float] {
        let n = x.count / inputDimension
        var y = [Float](repeating: 0, count: n * outputDimension)
        x.withUnsafeBufferPointer { xp in y.withUnsafeMutableBufferPointer { apply(xp.baseAddress!, count: n, into: $0.baseAddress!) } }
        return y
    }
}
