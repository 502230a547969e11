import Foundation
import ShopLookCore

/// Trains a ``LinearProjection`` with a normalised-softmax (proxy) loss: each class has a learned proxy
/// vector, and an image's projection is pulled towards its class's proxy and pushed from the others'
/// (cosine logits scaled by `scale`, cross-entropy, Adam). Deterministic for a seed.
public struct ProjectionTrainer: Sendable {
    public var projectedDimension = 128
    public var epochs = 6
    public var batchSize = 128
    public var learningRate: Float = 0.002
    public var scale: Float = 16
    public var weightDecay: Float = 1e-4
    public var seed: UInt64 = 1

    public init() {}

    /// - Parameters:
    ///   - features: training features as rows (normalised here).
    ///   - labels: class index of each row, `0..<classCount`.
    public func train(features: Matrix, labels: [Int], classCount: Int, blend: Float) -> LinearProjection {
        precondition(features.rows == labels.count && labels.allSatisfy { (0..<classCount).contains($0) })
        var x = features
        x.normalizeRows()
        let d = x.columns
        let p = projectedDimension
        var random = SplitMix64(seed: seed)
        // W starts as a scaled random projection; proxies start at the projected class means.
        var w = Matrix(rows: d, columns: p, values: (0..<(d * p)).map { _ in random.nextGaussianFloat() / Float(d).squareRoot() })
        let projected = x.multiplied(by: w)
        var proxies = Matrix(rows: classCount, columns: p)
        for (row, label) in labels.enumerated() {
            for column in 0..<p { proxies.values[label * p + column] += projected.values[row * p + column] }
        }
        proxies.normalizeRows()
        optimise(x, labels, &w, &proxies, random: &random, trainProxies: true)
        return LinearProjection(weights: w, blend: blend)
    }

    /// Adapts `base` (a projection without blend) to new inputs while keeping its output space: W starts at
    /// `base`'s weights and learns, the class proxies stay fixed at `proxies` (e.g. the normalised class means of
    /// the catalog under `base`), so what the adapted projection maps lands where `base` maps the catalog. A look's
    /// crops searched through the adapted projection then meet catalog vectors made with `base`, which stay as they are.
    /// - Parameters:
    ///   - features: training features as rows (normalised here).
    ///   - labels: class index of each row, `0..<proxies.rows`.
    public func adapt(_ base: LinearProjection, features: Matrix, labels: [Int], proxies: Matrix) -> LinearProjection {
        precondition(base.blend == 0 && base.adaptedFrom == nil, "only a catalog projection without blend can be adapted")
        precondition(features.columns == base.inputDimension && proxies.columns == base.projectedDimension)
        precondition(features.rows == labels.count && labels.allSatisfy { (0..<proxies.rows).contains($0) })
        var x = features
        x.normalizeRows()
        var w = base.weights
        var fixed = proxies
        fixed.normalizeRows()
        var random = SplitMix64(seed: seed)
        optimise(x, labels, &w, &fixed, random: &random, trainProxies: false)
        return LinearProjection(weights: w, blend: 0, adaptedFrom: base.contentID)
    }

    /// The normalised mean of each class's rows: the fixed proxies of ``adapt(_:features:labels:proxies:)`` (a class
    /// without rows keeps a zero row, which no crop is pulled to).
    public static func classMeans(_ vectors: Matrix, labels: [Int], classCount: Int) -> Matrix {
        precondition(vectors.rows == labels.count && labels.allSatisfy { (0..<classCount).contains($0) })
        var means = Matrix(rows: classCount, columns: vectors.columns)
        for (row, label) in labels.enumerated() {
            for (column, value) in vectors.row(row).enumerated() { means.values[label * vectors.columns + column] += value }
        }
        means.normalizeRows()
        return means
    }

    /// Mini-batch Adam over the (normalised) rows of `x`, `epochs` times, in an order shuffled with `random`.
    private func optimise(_ x: Matrix, _ labels: [Int], _ w: inout Matrix, _ proxies: inout Matrix, random: inout SplitMix64, trainProxies: Bool) {
        let d = x.columns
        var adamW = Adam(count: w.values.count, learningRate: learningRate)
        var adamP = Adam(count: proxies.values.count, learningRate: learningRate)
        var order = Array(0..<x.rows)
        for _ in 0..<epochs {
            random.shuffle(&order)
            for start in stride(from: 0, to: order.count, by: batchSize) {
                let batch = Array(order[start..<min(start + batchSize, order.count)])
                let batchX = Matrix(rows: batch.count, columns: d, values: batch.flatMap { x.row($0) })
                let (gradW, gradP) = gradients(batchX, batch.map { labels[$0] }, w, proxies)
                adamW.step(&w.values, gradient: gradW.values, weightDecay: weightDecay)
                if trainProxies { adamP.step(&proxies.values, gradient: gradP.values, weightDecay: 0) }
            }
        }
    }

    /// The gradients of the mean loss with respect to W and the proxies.
    func gradients(_ x: Matrix, _ labels: [Int], _ w: Matrix, _ proxies: Matrix) -> (Matrix, Matrix) {
        let (_, gradW, gradP) = lossAndGradients(x, labels, w, proxies)
        return (gradW, gradP)
    }

    /// The mean cross-entropy of the scaled cosine logits, and its gradients with respect to W and the proxies.
    func lossAndGradients(_ x: Matrix, _ labels: [Int], _ w: Matrix, _ proxies: Matrix) -> (Float, Matrix, Matrix) {
        var loss: Float = 0
        let n = x.rows
        var z = x.multiplied(by: w)
        let zNorms = z.normalizeRows()
        var pn = proxies
        let pNorms = pn.normalizeRows()
        var logits = z.multiplied(by: pn, transposeOther: true)
        let classes = pn.rows
        // dL/dlogits = (softmax − onehot) / n, times the scale for the cosine.
        for row in 0..<n {
            let base = row * classes
            var maximum = -Float.infinity
            for c in 0..<classes { maximum = max(maximum, scale * logits.values[base + c]) }
            var sum: Float = 0
            for c in 0..<classes {
                let e = (scale * logits.values[base + c] - maximum).exp
                logits.values[base + c] = e
                sum += e
            }
            loss += (maximum + sum.log - scale * cosineOfLabel(row, base: base, labels: labels, z: z, pn: pn)) / Float(n)
            for c in 0..<classes {
                let softmax = logits.values[base + c] / sum
                logits.values[base + c] = scale * (softmax - (c == labels[row] ? 1 : 0)) / Float(n)
            }
        }
        let gradZn = logits.multiplied(by: pn)
        let gradPn = logits.multiplied(by: z, transposeSelf: true)
        let gradZ = backThroughNormalization(gradZn, normalized: z, norms: zNorms)
        let gradP = backThroughNormalization(gradPn, normalized: pn, norms: pNorms)
        let gradW = x.multiplied(by: gradZ, transposeSelf: true)
        return (loss, gradW, gradP)
    }

    private func cosineOfLabel(_ row: Int, base: Int, labels: [Int], z: Matrix, pn: Matrix) -> Float {
        zip(z.row(row), pn.row(labels[row])).map { $0 * $1 }.reduce(0, +)
    }

    /// For `u = v / |v|`: `dv = (du − u (u · du)) / |v|`, row by row.
    func backThroughNormalization(_ gradient: Matrix, normalized: Matrix, norms: [Float]) -> Matrix {
        var result = gradient
        let columns = gradient.columns
        for row in 0..<gradient.rows where norms[row] > 0 {
            let base = row * columns
            var dot: Float = 0
            for c in 0..<columns { dot += normalized.values[base + c] * gradient.values[base + c] }
            for c in 0..<columns {
                result.values[base + c] = (gradient.values[base + c] - normalized.values[base + c] * dot) / norms[row]
            }
        }
        return result
    }
}

/// The Adam optimiser over a flat parameter array.
struct Adam {
    var m: [Float]
    var v: [Float]
    var t: Float = 0
    let learningRate: Float
    let beta1: Float = 0.9
    let beta2: Float = 0.999
    let epsilon: Float = 1e-8

    init(count: Int, learningRate: Float) {
        m = [Float](repeating: 0, count: count)
        v = [Float](repeating: 0, count: count)
        self.learningRate = learningRate
    }

    mutating func step(_ parameters: inout [Float], gradient: [Float], weightDecay: Float) {
        t += 1
        let correction1 = 1 - Float.pow(beta1, t)
        let correction2 = 1 - Float.pow(beta2, t)
        for index in parameters.indices {
            let g = gradient[index] + weightDecay * parameters[index]
            m[index] = beta1 * m[index] + (1 - beta1) * g
            v[index] = beta2 * v[index] + (1 - beta2) * g * g
            let mHat = m[index] / correction1
            let vHat = v[index] / correction2
            parameters[index] -= learningRate * mHat / (vHat.squareRoot() + epsilon)
        }
    }
}

private extension Float {
    var exp: Float { Float(Foundation.exp(Double(self))) }
    var log: Float { Float(Foundation.log(Double(self))) }
    static func pow(_ base: Float, _ exponent: Float) -> Float { Float(Foundation.pow(Double(base), Double(exponent))) }
}
