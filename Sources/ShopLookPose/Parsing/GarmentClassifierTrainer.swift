import Foundation
import ShopLookBLAS
import ShopLookCore

/// Trains a ``GarmentClassifier`` on cells: minibatch Adam on the cross-entropy against each cell's soft class
/// shares (the share of its pixels of each class), learning rate on a cosine schedule, He-initialised,
/// seeded — the same data and seed give the same weights.
public struct GarmentClassifierTrainer: Sendable {
    public var hiddenCount = 64
    public var epochs = 6
    public var batchSize = 512
    public var learningRate: Float = 3e-3
    public var seed: UInt64 = 1

    public init() {}

    /// Trains on the rows `rows` of `features` (`inputCount` per row) and `targets` (one share per
    /// ``GarmentClass`` per row, summing to 1).
    public func train(features: [Float], targets: [Float], inputCount: Int, rows: [Int], backboneVersion: String) -> GarmentClassifier {
        let classes = GarmentClass.allCases.count
        precondition(!rows.isEmpty && features.count % inputCount == 0 && targets.count / classes == features.count / inputCount)
        // Standardisation from the training rows.
        var mean = [Double](repeating: 0, count: inputCount), square = [Double](repeating: 0, count: inputCount)
        for row in rows {
            for column in 0..<inputCount {
                let value = Double(features[row * inputCount + column])
                mean[column] += value
                square[column] += value * value
            }
        }
        let n = Double(rows.count)
        let meanF = mean.map { Float($0 / n) }
        let scaleF = zip(mean, square).map { sum, squares in
            Float(1 / ((max(squares / n - (sum / n) * (sum / n), 0)).squareRoot() + 1e-6))
        }
        var random = SeededRandom(seed: seed)
        let hidden = hiddenCount
        var model = GarmentClassifier(
            inputCount: inputCount, hiddenCount: hidden, classCount: classes, backboneVersion: backboneVersion, mean: meanF, scale: scaleF,
            w1: (0..<(inputCount * hidden)).map { _ in Float(random.nextGaussian() * (2.0 / Double(inputCount)).squareRoot()) },
            b1: [Float](repeating: 0, count: hidden),
            w2: (0..<(hidden * classes)).map { _ in Float(random.nextGaussian() * (1.0 / Double(hidden)).squareRoot()) },
            b2: [Float](repeating: 0, count: classes))
        var adam = [Adam](repeating: Adam(), count: 4)
        for index in 0..<4 {
            adam[index] = Adam(count: [model.w1.count, model.b1.count, model.w2.count, model.b2.count][index])
        }
        var order = rows
        var step = 0
        var x = [Float](repeating: 0, count: batchSize * inputCount)
        var y = [Float](repeating: 0, count: batchSize * classes)
        for epoch in 0..<epochs {
            order.shuffle(using: &random)
            let rate = learningRate * Float(0.5 * (1 + cos(Double.pi * Double(epoch) / Double(epochs))))
            var start = 0
            while start < order.count {
                let count = min(batchSize, order.count - start)
                for (slot, row) in order[start..<(start + count)].enumerated() {
                    for column in 0..<inputCount {
                        x[slot * inputCount + column] = (features[row * inputCount + column] - meanF[column]) * scaleF[column]
                    }
                    for c in 0..<classes { y[slot * classes + c] = targets[row * classes + c] }
                }
                let batch = Array(x.prefix(count * inputCount))
                let (activations, probabilities) = model.forward(batch, rows: count)
                // dL/dlogits = (p − y) / count.
                var g = [Float](repeating: 0, count: count * classes)
                for index in 0..<(count * classes) { g[index] = (probabilities[index] - y[index]) / Float(count) }
                let gw2 = GarmentClassifier.product(activations, g, m: hidden, n: classes, k: count, transposeA: true)
                var ga = GarmentClassifier.product(g, model.w2, m: count, n: hidden, k: classes, transposeB: true)
                var gb2 = [Float](repeating: 0, count: classes)
                for row in 0..<count {
                    for c in 0..<classes { gb2[c] += g[row * classes + c] }
                }
                var gb1 = [Float](repeating: 0, count: hidden)
                for index in 0..<(count * hidden) {
                    if activations[index] <= 0 { ga[index] = 0 }
                    gb1[index % hidden] += ga[index]
                }
                let gw1 = GarmentClassifier.product(batch, ga, m: inputCount, n: hidden, k: count, transposeA: true)
                step += 1
                adam[0].update(&model.w1, gradient: gw1, rate: rate, step: step)
                adam[1].update(&model.b1, gradient: gb1, rate: rate, step: step)
                adam[2].update(&model.w2, gradient: gw2, rate: rate, step: step)
                adam[3].update(&model.b2, gradient: gb2, rate: rate, step: step)
                start += count
            }
        }
        return model
    }
}

/// Adam's moment estimates for one parameter array.
struct Adam: Sendable {
    var first: [Float] = []
    var second: [Float] = []

    init(count: Int = 0) {
        first = [Float](repeating: 0, count: count)
        second = [Float](repeating: 0, count: count)
    }

    mutating func update(_ parameters: inout [Float], gradient: [Float], rate: Float, step: Int, beta1: Float = 0.9, beta2: Float = 0.999) {
        let correction1 = 1 - pow(beta1, Float(step)), correction2 = 1 - pow(beta2, Float(step))
        for index in parameters.indices {
            first[index] = beta1 * first[index] + (1 - beta1) * gradient[index]
            second[index] = beta2 * second[index] + (1 - beta2) * gradient[index] * gradient[index]
            parameters[index] -= rate * (first[index] / correction1) / ((second[index] / correction2).squareRoot() + 1e-8)
        }
    }
}
