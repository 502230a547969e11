import Foundation
import ShopLookCore

/// The learned pose verdict: a tiny network over ``PoseFeatures`` that gives a probability per ``PoseVerdict``.
///
/// Standardised features (`(x − mean) · scale`), then one hidden layer of `hidden` tanh units (none: a
/// multinomial logistic regression), then a softmax over `classes`. `full_front` is called only when its
/// probability reaches `frontThreshold`; below it the next most likely class wins: the pipeline keeps what it
/// calls `full_front`, so its precision matters more than its recall.
///
/// Shapes (row-major): `hiddenWeights` hidden × features, `outputWeights` classes × (hidden, or features when
/// `hidden` is 0). Written as JSON with its `format` and the feature names it was trained on; loading refuses a
/// file whose names differ from ``PoseFeatures/names`` (features changed since it was trained).
public struct PoseVerdictNetwork: Sendable, Hashable, Codable {
    public static let currentFormat = "shoplook-pose-verdict-1"
    /// The default file name under the models directory (`.models/`).
    public static let fileName = "pose-verdict.json"

    public var format = PoseVerdictNetwork.currentFormat
    public var classes: [PoseVerdict]
    public var featureNames: [String]
    public var mean: [Float]
    public var scale: [Float]
    public var hidden: Int
    public var hiddenWeights: [Float]
    public var hiddenBias: [Float]
    public var outputWeights: [Float]
    public var outputBias: [Float]
    public var frontThreshold: Double
    /// Where the training samples came from, with counts (for example `ccp: 1398`): provenance, not used to decide.
    public var trainedOn: [String: Int]

    public init(
        classes: [PoseVerdict], featureNames: [String], mean: [Float], scale: [Float], hidden: Int, hiddenWeights: [Float],
        hiddenBias: [Float], outputWeights: [Float], outputBias: [Float], frontThreshold: Double = 0.5, trainedOn: [String: Int] = [:]
    ) {
        let inputs = featureNames.count, width = hidden > 0 ? hidden : inputs
        precondition(mean.count == inputs && scale.count == inputs, "one mean and scale per feature")
        precondition(hiddenWeights.count == hidden * inputs && hiddenBias.count == hidden, "hidden layer is hidden × features")
        precondition(outputWeights.count == classes.count * width && outputBias.count == classes.count, "output layer is classes × width")
        self.classes = classes
        self.featureNames = featureNames
        self.mean = mean
        self.scale = scale
        self.hidden = hidden
        self.hiddenWeights = hiddenWeights
        self.hiddenBias = hiddenBias
        self.outputWeights = outputWeights
        self.outputBias = outputBias
        self.frontThreshold = frontThreshold
        self.trainedOn = trainedOn
    }

    /// The class probabilities for one feature vector, in `classes` order.
    public func probabilities(_ features: [Double]) -> [Double] {
        precondition(features.count == featureNames.count, "expected \(featureNames.count) features")
        let x = features.indices.map { Float(features[$0]) - mean[$0] }.enumerated().map { $0.element * scale[$0.offset] }
        let layer: [Float]
        if hidden > 0 {
            layer = (0..<hidden).map { h in
                var sum = hiddenBias[h]
                for (i, value) in x.enumerated() { sum += hiddenWeights[h * x.count + i] * value }
                return tanh(sum)
            }
        } else {
            layer = x
        }
        let logits = classes.indices.map { c in
            var sum = outputBias[c]
            for (i, value) in layer.enumerated() { sum += outputWeights[c * layer.count + i] * value }
            return Double(sum)
        }
        return Self.softmax(logits)
    }

    /// The verdict for class probabilities: the most likely class, except that `full_front` needs
    /// `frontThreshold`.
    public func verdict(probabilities: [Double]) -> PoseVerdict {
        let ranked = probabilities.indices.sorted { probabilities[$0] > probabilities[$1] }
        for index in ranked where classes[index] != .fullFront || probabilities[index] >= frontThreshold {
            return classes[index]
        }
        return classes[ranked[0]]
    }

    /// The verdict and a reason naming the probability it rests on.
    public func assess(_ result: PoseResult) -> (verdict: PoseVerdict, reason: String) {
        let p = probabilities(PoseFeatures.vector(result))
        let verdict = verdict(probabilities: p)
        let front = classes.firstIndex(of: .fullFront).map { p[$0] } ?? 0
        let chosen = classes.firstIndex(of: verdict).map { p[$0] } ?? 0
        let frontNote = verdict == .fullFront ? "" : ", p(full_front) \(Self.rounded(front)) < \(frontThreshold) needed"
        return (verdict, "learned verdict: p(\(verdict.rawValue)) \(Self.rounded(chosen))\(frontNote)")
    }

    /// The network as JSON.
    public func serialized() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(self)
    }

    /// Reads a network written by ``serialized()``; refuses another format or other features.
    public static func load(_ data: Data) throws -> PoseVerdictNetwork {
        let network = try JSONDecoder().decode(PoseVerdictNetwork.self, from: data)
        guard network.format == currentFormat else {
            throw PoseError.unusableData("pose-verdict network: format \(network.format), expected \(currentFormat)")
        }
        guard network.featureNames == PoseFeatures.names else {
            throw PoseError.unusableData("pose-verdict network: trained on other features than this build computes: retrain it")
        }
        let width = network.hidden > 0 ? network.hidden : network.featureNames.count
        guard network.hidden >= 0, network.mean.count == network.featureNames.count, network.scale.count == network.featureNames.count,
              network.hiddenWeights.count == network.hidden * network.featureNames.count, network.hiddenBias.count == network.hidden,
              network.outputWeights.count == network.classes.count * width, network.outputBias.count == network.classes.count,
              Set(network.classes).count == network.classes.count, !network.classes.isEmpty
        else {
            throw PoseError.unusableData("pose-verdict network: layer sizes do not match")
        }
        return network
    }

    static func softmax(_ logits: [Double]) -> [Double] {
        let top = logits.max() ?? 0
        let exps = logits.map { Foundation.exp($0 - top) }
        let sum = exps.reduce(0, +)
        return exps.map { $0 / sum }
    }

    private static func rounded(_ value: Double) -> Double { (value * 1000).rounded() / 1000 }
}
