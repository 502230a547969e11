import Foundation
import ShopLookBLAS
import ShopLookCore

/// Trains a ``PoseVerdictNetwork`` on labelled feature vectors: full-batch Adam on the class-weighted
/// cross-entropy with an L2 penalty, the products over OpenBLAS.
///
/// Full batch because the sets are small (a few thousand photos × ``PoseFeatures/count``): every epoch is a
/// handful of matrix products, and the result does not depend on a batch order. Classes are weighted by
/// `(n / (classes · n_c))^classBalance`: 0 weighs every photo alike, 1 every class alike; the default 0.5
/// keeps the few back and side views from being ignored without letting them dominate.
///
/// Deterministic: the same samples, settings and `seed` give the same network.
public struct PoseVerdictTrainer: Sendable {
    /// Hidden tanh units; 0 trains a multinomial logistic regression. Cross-validated on the street photos, their
    /// cut-offs and the product photos (full_front from p ≥ 0.9): no hidden layer gave full_front recall 0.88,
    /// 16 units (600 epochs) 0.95, 32 units (1,000 epochs) 0.97, each at precision 0.97–0.98.
    public var hidden = 32
    public var epochs = 1000
    public var learningRate: Float = 0.01
    public var l2: Float = 1e-4
    public var classBalance = 0.5
    /// The network's ``PoseVerdictNetwork/frontThreshold``. 0.9: cross-validated on the street photos, their
    /// cut-offs and the product photos, full_front precision rose from 0.95 (at 0.5) to 0.98 for a recall of
    /// 0.95–0.97 (from 0.99); the catalog keeps only what is called full_front, so precision comes first.
    public var frontThreshold = 0.9
    public var seed: UInt64 = 1

    public init() {}

    /// The classes every network predicts, in output order.
    public static let classes: [PoseVerdict] = [.fullFront, .fullBack, .fullSide, .partial, .noPerson]

    /// Trains on `features` (one ``PoseFeatures`` vector per sample) and their `labels`.
    public func train(features: [[Double]], labels: [PoseVerdict], trainedOn: [String: Int] = [:]) -> PoseVerdictNetwork {
        precondition(features.count == labels.count && !features.isEmpty, "one label per sample, at least one sample")
        let n = features.count, d = features[0].count, c = Self.classes.count
        precondition(features.allSatisfy { $0.count == d }, "every sample has the same features")
        let width = hidden > 0 ? hidden : d

        // Standardise: mean 0, standard deviation 1 (constant features are only centred).
        var mean = [Float](repeating: 0, count: d), scale = [Float](repeating: 1, count: d)
        for j in 0..<d {
            let column = features.map { $0[j] }
            let m = column.reduce(0, +) / Double(n)
            let variance = column.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(n)
            mean[j] = Float(m)
            scale[j] = variance > 1e-12 ? Float(1 / variance.squareRoot()) : 1
        }
        var x = [Float](repeating: 0, count: n * d)
        for i in 0..<n { for j in 0..<d { x[i * d + j] = (Float(features[i][j]) - mean[j]) * scale[j] } }
        let target = labels.map { Self.classes.firstIndex(of: $0)! }
        let counts = (0..<c).map { k in target.filter { $0 == k }.count }
        let present = Double(counts.filter { $0 > 0 }.count)
        let classWeight = counts.map { $0 > 0 ? pow(Double(n) / (present * Double($0)), classBalance) : 0 }
        let totalWeight = target.reduce(0) { $0 + classWeight[$1] }
        let sampleWeight = target.map { Float(classWeight[$0] / totalWeight) }

        var random = SplitMix64(seed: seed)
        var w1 = (0..<(hidden * d)).map { _ in random.nextGaussianFloat() / Float(d).squareRoot() }
        var b1 = [Float](repeating: 0, count: hidden)
        var w2 = (0..<(c * width)).map { _ in random.nextGaussianFloat() / Float(width).squareRoot() * (hidden > 0 ? 1 : 0.1) }
        var b2 = [Float](repeating: 0, count: c)
        var adam = [Adam(count: w1.count), Adam(count: b1.count), Adam(count: w2.count), Adam(count: b2.count)]

        var a1 = [Float](repeating: 0, count: hidden > 0 ? n * hidden : 0)
        var z2 = [Float](repeating: 0, count: n * c)
        var dz2 = [Float](repeating: 0, count: n * c)
        var dz1 = [Float](repeating: 0, count: hidden > 0 ? n * hidden : 0)
        var g1 = [Float](repeating: 0, count: w1.count), g2 = [Float](repeating: 0, count: w2.count)
        for step in stride(from: 1, through: epochs, by: 1) {
            // Forward: a1 = tanh(x · w1ᵀ + b1) (n × hidden), z2 = layer · w2ᵀ + b2 (n × c).
            if hidden > 0 {
                BLAS.gemmABt(m: n, n: hidden, k: d, a: x, lda: d, b: w1, ldb: d, c: &a1, ldc: hidden)
                for i in 0..<n { for h in 0..<hidden { a1[i * hidden + h] = tanh(a1[i * hidden + h] + b1[h]) } }
            }
            let layer = hidden > 0 ? a1 : x
            BLAS.gemmABt(m: n, n: c, k: width, a: layer, lda: width, b: w2, ldb: width, c: &z2, ldc: c)
            // dz2 = (softmax − onehot) · weight.
            for i in 0..<n {
                var top = -Float.infinity
                for k in 0..<c { z2[i * c + k] += b2[k]; top = max(top, z2[i * c + k]) }
                var sum: Float = 0
                for k in 0..<c { let e = Foundation.exp(z2[i * c + k] - top); dz2[i * c + k] = e; sum += e }
                for k in 0..<c { dz2[i * c + k] = (dz2[i * c + k] / sum - (k == target[i] ? 1 : 0)) * sampleWeight[i] }
            }
            // Backward: g2 = dz2ᵀ · layer (c × width); dz1 = (dz2 · w2) ⊙ (1 − a1²); g1 = dz1ᵀ · x (hidden × d).
            BLAS.gemmAtB(m: c, n: width, k: n, a: dz2, lda: c, b: layer, ldb: width, c: &g2, ldc: width)
            let gb2 = (0..<c).map { k in (0..<n).reduce(Float(0)) { $0 + dz2[$1 * c + k] } }
            for j in g2.indices { g2[j] += l2 * w2[j] }
            if hidden > 0 {
                BLAS.gemmAB(m: n, n: hidden, k: c, a: dz2, lda: c, b: w2, ldb: hidden, c: &dz1, ldc: hidden)
                for j in dz1.indices { dz1[j] *= 1 - a1[j] * a1[j] }
                BLAS.gemmAtB(m: hidden, n: d, k: n, a: dz1, lda: hidden, b: x, ldb: d, c: &g1, ldc: d)
                for j in g1.indices { g1[j] += l2 * w1[j] }
                let gb1 = (0..<hidden).map { h in (0..<n).reduce(Float(0)) { $0 + dz1[$1 * hidden + h] } }
                adam[0].step(&w1, gradient: g1, rate: learningRate, t: step)
                adam[1].step(&b1, gradient: gb1, rate: learningRate, t: step)
            }
            adam[2].step(&w2, gradient: g2, rate: learningRate, t: step)
            adam[3].step(&b2, gradient: gb2, rate: learningRate, t: step)
        }
        return PoseVerdictNetwork(
            classes: Self.classes, featureNames: PoseFeatures.names.count == d ? PoseFeatures.names : (0..<d).map { "f\($0)" },
            mean: mean, scale: scale, hidden: hidden, hiddenWeights: w1, hiddenBias: b1, outputWeights: w2, outputBias: b2,
            frontThreshold: frontThreshold, trainedOn: trainedOn)
    }

    /// Adam's moment estimates for one parameter array.
    private struct Adam {
        var first: [Float]
        var second: [Float]

        init(count: Int) {
            first = [Float](repeating: 0, count: count)
            second = [Float](repeating: 0, count: count)
        }

        mutating func step(_ parameters: inout [Float], gradient: [Float], rate: Float, t: Int) {
            let beta1: Float = 0.9, beta2: Float = 0.999
            let correction1 = 1 - pow(beta1, Float(t)), correction2 = 1 - pow(beta2, Float(t))
            for j in parameters.indices {
                first[j] = beta1 * first[j] + (1 - beta1) * gradient[j]
                second[j] = beta2 * second[j] + (1 - beta2) * gradient[j] * gradient[j]
                parameters[j] -= rate * (first[j] / correction1) / ((second[j] / correction2).squareRoot() + 1e-8)
            }
        }
    }
}
