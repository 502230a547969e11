import ArgumentParser
import Foundation
import ShopLookCore
import ShopLookPose

/// Which photos the learned pose verdict is trained and cross-validated on (``PoseVerdictDataset``).
struct PoseVerdictDataOptions: ParsableArguments {
    @Option(help: "Data-set folder with ccp/, people/ and clothing-small/ (default: $SHOPLOOK_DATASETS or ../shared/datasets).")
    var datasets: String?

    @Option(help: "The ccp labels CSV (file,label,note; default: the project's Models/pose-labels-ccp.csv).")
    var ccpLabels: String?

    @Option(help: "Cache of the pose observations, keyed by sample (default: pose-verdict-observations.json in the models folder; 'none' for no cache).")
    var cache: String?

    @Option(help: "Cut-off (partial) versions made of each full-body ccp photo (at most one per kind: feet, shins, waist, head).")
    var cutsPerPhoto = 4

    @Option(help: "Every n-th clothing-small training photo joins validation's as no_person.")
    var productStride = 10

    @Flag(help: "Do not add mirror images of the labelled photos to training.")
    var noMirror = false

    func dataset() throws -> PoseVerdictDataset {
        let root = datasets.map { URL(fileURLWithPath: $0) } ?? PoseVerdictDataset.defaultRoot()
        guard FileManager.default.fileExists(atPath: root.appendingPathComponent("ccp/ground-truth.json").path) else {
            throw ValidationError("no data sets at \(root.path) (ccp/ground-truth.json missing): set --datasets or SHOPLOOK_DATASETS")
        }
        let labels = try ccpLabels.map { URL(fileURLWithPath: $0) } ?? PoseVerdictDataset.defaultCCPLabels()
        return try PoseVerdictDataset(
            datasets: root, ccpLabels: labels, cutsPerPhoto: cutsPerPhoto, productStride: productStride, mirror: !noMirror)
    }

    func cacheURL(models: URL) -> URL? {
        if cache == "none" { return nil }
        return cache.map { URL(fileURLWithPath: $0) } ?? models.appendingPathComponent("pose-verdict-observations.json")
    }
}

/// How the learned pose verdict is trained (``PoseVerdictTrainer``).
struct PoseVerdictTrainerOptions: ParsableArguments {
    @Option(help: "Hidden units (0: logistic regression).")
    var hidden = 32

    @Option(help: "Training epochs (full batch).")
    var epochs = 1000

    @Option(help: "Adam's learning rate.")
    var learningRate: Float = 0.01

    @Option(help: "L2 penalty.")
    var l2: Float = 1e-4

    @Option(help: "Class weighting exponent: 0 every photo alike, 1 every class alike.")
    var classBalance = 0.5

    @Option(help: "Least probability of full_front to call it.")
    var frontThreshold = 0.9

    @Option(help: "Random seed.")
    var seed: UInt64 = 1

    var trainer: PoseVerdictTrainer {
        var trainer = PoseVerdictTrainer()
        trainer.hidden = hidden
        trainer.epochs = epochs
        trainer.learningRate = learningRate
        trainer.l2 = l2
        trainer.classBalance = classBalance
        trainer.frontThreshold = frontThreshold
        trainer.seed = seed
        return trainer
    }
}
