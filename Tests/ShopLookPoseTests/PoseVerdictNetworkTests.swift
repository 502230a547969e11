import Foundation
import ShopLookCore
import Testing
@testable import ShopLookPose

@Suite("PoseVerdictNetwork")
struct PoseVerdictNetworkTests {
    /// A logistic regression over two features whose logits are the features themselves for full_front and
    /// partial, and 0 for the other classes.
    static func network(threshold: Double = 0.5) -> PoseVerdictNetwork {
        let classes = PoseVerdictTrainer.classes
        var weights = [Float](repeating: 0, count: classes.count * 2)
        weights[classes.firstIndex(of: .fullFront)! * 2] = 1
        weights[classes.firstIndex(of: .partial)! * 2 + 1] = 1
        return PoseVerdictNetwork(
            classes: classes, featureNames: ["a", "b"], mean: [0, 0], scale: [1, 1], hidden: 0, hiddenWeights: [], hiddenBias: [],
            outputWeights: weights, outputBias: [0, 0, 0, 0, 0], frontThreshold: threshold)
    }

    @Test("softmax of the logits; the largest wins; probabilities sum to 1")
    func probabilities() {
        let p = Self.network().probabilities([3, 1])
        #expect(abs(p.reduce(0, +) - 1) < 1e-9)
        let e3 = exp(3.0), e1 = exp(1.0)
        #expect(abs(p[0] - e3 / (e3 + e1 + 3)) < 1e-6)
        #expect(Self.network().verdict(probabilities: p) == .fullFront)
        #expect(Self.network().verdict(probabilities: Self.network().probabilities([1, 3])) == .partial)
    }

    @Test("full_front needs the threshold; below it the next most likely class")
    func threshold() {
        let p = Self.network().probabilities([3, 1])  // p(front) ≈ 0.74
        #expect(Self.network(threshold: 0.7).verdict(probabilities: p) == .fullFront)
        #expect(Self.network(threshold: 0.8).verdict(probabilities: p) == .partial)
    }

    @Test("JSON round trip; a file with other features or format is refused")
    func serialization() throws {
        var trained = PoseVerdictTrainer()
        trained.epochs = 5
        trained.hidden = 3
        let features = (0..<6).map { i in (0..<PoseFeatures.count).map { Double(($0 + i) % 7) } }
        let network = trained.train(features: features, labels: [.fullFront, .partial, .noPerson, .fullFront, .partial, .noPerson])
        let loaded = try PoseVerdictNetwork.load(try network.serialized())
        #expect(loaded == network)
        #expect(throws: PoseError.self) { try PoseVerdictNetwork.load(try Self.network().serialized()) }  // features a, b
        var old = network
        old.format = "shoplook-pose-verdict-0"
        #expect(throws: PoseError.self) { try PoseVerdictNetwork.load(try old.serialized()) }
        var truncated = network
        truncated.hiddenBias.removeLast()
        #expect(throws: PoseError.self) { try PoseVerdictNetwork.load(try JSONEncoder().encode(truncated)) }
    }
}
