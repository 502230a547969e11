import ShopLookCore
import Testing
@testable import ShopLookPose

@Suite("PoseVerdictTrainer and PoseCrossValidation")
struct PoseVerdictTrainerTests {
    /// A synthetic labelled pose: the standing person of ``VerdictTests`` jittered, in one of five situations.
    static func sample(_ label: PoseVerdict, random: inout SplitMix64) -> PoseResult {
        func jitter(_ scale: Double) -> Double { (random.nextUnit() - 0.5) * 2 * scale }
        guard label != .noPerson else {
            var empty = VerdictTests.result(nil)
            empty.detectionScore = random.nextUnit() * 0.5
            return empty
        }
        var lm = VerdictTests.person(
            shoulderHalfWidth: label == .fullSide ? 6 + jitter(4) : 50 + jitter(12), facing: label != .fullBack)
        for i in lm.indices {
            lm[i].x += jitter(6)
            lm[i].y += jitter(6)
            lm[i].visibility = 0.75 + jitter(0.2)
        }
        if label == .fullBack { for i in 0...10 { lm[i].visibility = 0.1 + jitter(0.08) } }
        if label == .partial {
            let drop = 60 + random.nextUnit() * 120  // the feet (and shins) below the frame
            for i in 25...32 { lm[i].y += drop }
        }
        return VerdictTests.result(lm, presence: 0.9 + jitter(0.08), detectionScore: 0.9 + jitter(0.08))
    }

    static func samples(_ count: Int, seed: UInt64) -> [PoseCrossValidation.Sample] {
        var random = SplitMix64(seed: seed)
        return (0..<count).map { i in
            let label = PoseVerdictTrainer.classes[i % PoseVerdictTrainer.classes.count]
            return PoseCrossValidation.Sample(
                features: PoseFeatures.vector(sample(label, random: &random)), label: label, group: "photo-\(i)")
        }
    }

    static func accuracy(_ network: PoseVerdictNetwork, _ samples: [PoseCrossValidation.Sample]) -> Double {
        Double(samples.filter { network.verdict(probabilities: network.probabilities($0.features)) == $0.label }.count)
            / Double(samples.count)
    }

    @Test("learns the five situations from generated poses and tells unseen ones apart")
    func generatedPoses() {
        var trainer = PoseVerdictTrainer()
        trainer.hidden = 8
        trainer.epochs = 400
        let training = Self.samples(250, seed: 1)
        let network = trainer.train(features: training.map(\.features), labels: training.map(\.label))
        let unseen = Self.samples(100, seed: 2)
        let accuracy = Self.accuracy(network, unseen)
        #expect(accuracy >= 0.95, "confusion: \(PoseEvaluation(labels: unseen.map(\.label), verdicts: unseen.map { network.verdict(probabilities: network.probabilities($0.features)) }).confusion)")
        // Before training (no epochs) the same network is near chance.
        trainer.epochs = 0
        let untrained = trainer.train(features: training.map(\.features), labels: training.map(\.label))
        #expect(Self.accuracy(untrained, unseen) < 0.6)
    }

    @Test("a hidden layer learns XOR, which a logistic regression cannot")
    func xor() {
        var random = SplitMix64(seed: 7)
        var features: [[Double]] = []
        var labels: [PoseVerdict] = []
        while features.count < 300 {
            let x = random.nextUnit() * 2 - 1, y = random.nextUnit() * 2 - 1
            guard abs(x) > 0.15, abs(y) > 0.15 else { continue }
            features.append([x, y])
            labels.append((x > 0) == (y > 0) ? .fullFront : .partial)
        }
        var trainer = PoseVerdictTrainer()
        trainer.epochs = 400
        trainer.classBalance = 0
        func accuracy(hidden: Int) -> Double {
            trainer.hidden = hidden
            let network = trainer.train(features: features, labels: labels)
            return Double(zip(features, labels).filter { network.verdict(probabilities: network.probabilities($0.0)) == $0.1 }.count)
                / Double(features.count)
        }
        #expect(accuracy(hidden: 0) < 0.8)
        #expect(accuracy(hidden: 8) > 0.95)
    }

    @Test("deterministic for a seed; another seed starts elsewhere")
    func deterministic() {
        let samples = Self.samples(40, seed: 3)
        var trainer = PoseVerdictTrainer()
        trainer.epochs = 20
        let a = trainer.train(features: samples.map(\.features), labels: samples.map(\.label))
        let b = trainer.train(features: samples.map(\.features), labels: samples.map(\.label))
        trainer.seed = 2
        let c = trainer.train(features: samples.map(\.features), labels: samples.map(\.label))
        #expect(a == b)
        #expect(a.hiddenWeights != c.hiddenWeights)
    }

    @Test("folds by group: a copy of a scored photo never trains the network that scores it")
    func noLeak() {
        // Random features, a random label per photo, and an exact unscored copy of each photo (a "mirror image").
        // A network that saw the copy would recall the label; one that did not can only guess.
        var random = SplitMix64(seed: 11)
        var samples: [PoseCrossValidation.Sample] = []
        for i in 0..<120 {
            let features = (0..<12).map { _ in random.nextUnit() }
            let label = PoseVerdictTrainer.classes[Int(random.next() % 5)]
            samples.append(.init(features: features, label: label, group: "photo-\(i)"))
            samples.append(.init(features: features, label: label, group: "photo-\(i)", scored: false))
        }
        var trainer = PoseVerdictTrainer()
        trainer.hidden = 32
        trainer.epochs = 400
        trainer.l2 = 0
        trainer.classBalance = 0
        let validation = PoseCrossValidation(folds: 4, trainer: trainer)
        let predictions = validation.predictions(samples)
        #expect(predictions.enumerated().allSatisfy { ($0.element == nil) == !samples[$0.offset].scored })
        let scored = samples.indices.filter { samples[$0].scored }
        let right = scored.filter { predictions[$0]!.verdict == samples[$0].label }.count
        #expect(Double(right) / Double(scored.count) < 0.5)
        // The same network does recall the photos it trained on: the low figure above is the folding, not the network.
        let memorised = trainer.train(features: samples.map(\.features), labels: samples.map(\.label))
        #expect(Self.accuracy(memorised, scored.map { samples[$0] }) > 0.9)
        // Folds depend only on the group's name, and every fold is used.
        #expect(validation.fold(of: "photo-3") == PoseCrossValidation(folds: 4).fold(of: "photo-3"))
        #expect(Set(samples.map { validation.fold(of: $0.group) }) == [0, 1, 2, 3])
    }
}
