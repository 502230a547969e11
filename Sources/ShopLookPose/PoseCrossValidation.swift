import ShopLookCore

/// k-fold cross-validation of the learned pose verdict, folded by source photo.
///
/// A sample is one look at a photo: the photo itself, its mirror image, or a crop made from it. All the samples
/// of one `group` (the source photo) fall in the same fold, so no photo is scored by a network that saw it,
/// mirrored or cut. The fold is a hash of the group's name (FNV-1a), so it does not depend on the order the
/// samples come in or on which other photos are present. Only samples with `scored` set are scored (training
/// augmentations such as mirror images train but are not counted twice).
public struct PoseCrossValidation: Sendable {
    public struct Sample: Sendable {
        public var features: [Double]
        public var label: PoseVerdict
        public var group: String
        public var scored: Bool

        public init(features: [Double], label: PoseVerdict, group: String, scored: Bool = true) {
            self.features = features
            self.label = label
            self.group = group
            self.scored = scored
        }
    }

    public var folds: Int
    public var trainer: PoseVerdictTrainer

    public init(folds: Int = 5, trainer: PoseVerdictTrainer = PoseVerdictTrainer()) {
        precondition(folds >= 2, "at least two folds")
        self.folds = folds
        self.trainer = trainer
    }

    /// The fold a group belongs to.
    public func fold(of group: String) -> Int {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in group.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0100_0000_01b3 }
        return Int(hash % UInt64(folds))
    }

    /// The out-of-fold verdict and full_front probability of every scored sample (`nil` for unscored ones), each
    /// from the network trained on the other folds.
    public func predictions(_ samples: [Sample]) -> [(verdict: PoseVerdict, front: Double)?] {
        let foldOf = samples.map { fold(of: $0.group) }
        var out = [(verdict: PoseVerdict, front: Double)?](repeating: nil, count: samples.count)
        for k in 0..<folds {
            let held = samples.indices.filter { foldOf[$0] == k && samples[$0].scored }
            let training = samples.indices.filter { foldOf[$0] != k }
            guard !held.isEmpty, !training.isEmpty else { continue }
            let network = trainer.train(features: training.map { samples[$0].features }, labels: training.map { samples[$0].label })
            let front = network.classes.firstIndex(of: .fullFront)!
            for i in held {
                let p = network.probabilities(samples[i].features)
                out[i] = (network.verdict(probabilities: p), p[front])
            }
        }
        return out
    }
}
