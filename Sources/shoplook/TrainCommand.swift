import ArgumentParser
import Foundation
import ShopLookCommandSupport
import ShopLookModelOptions
import ShopLookCore
import ShopLookVision

struct TrainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train", abstract: "Train the learned parts of the vision pipeline.",
        subcommands: [TrainProjectionCommand.self, TrainParserCommand.self, TrainPoseVerdictCommand.self])
}

struct TrainProjectionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "projection",
        abstract: "Learn a projection of the ImageNet features for fashion similarity from a labelled catalog (class subfolders).",
        discussion: """
            Holds out --dev-fraction of the catalog to choose the blend between the plain and the learned \
            similarity, reports the held-out precision, then trains on the whole catalog and writes the file. \
            --street-crops adds ccp's street-photo garment crops (see `shoplook eval street2shop`) to the catalog, \
            under its class names: the projection then also maps a street crop near the product photos of its class \
            (`shoplook eval street2shop --folds 5` measures that cross-validated).

            --adapt trains a street projection instead: it starts from the catalog's projection (--projection, by \
            default the committed one), keeps that projection's class positions (the catalog's class means under it) \
            and learns to map the catalog photos and ccp's street crops (the four classes, footwear and outerwear) \
            onto them. The catalog keeps its vectors; looks map their garment crops with it (`--street-projection`). \
            It has no blend and no dev split (`shoplook eval street2shop --folds 5` cross-validates it).
            """)

    @OptionGroup var vision: VisionOptions

    @Option(help: "Training catalog folder (class subfolders of JPEGs).")
    var catalog: String

    @Option(help: "Where to write the projection.")
    var output: String

    @Option(help: "Projected dimension.")
    var dimension = 128

    @Option(help: "Training epochs.")
    var epochs = 6

    @Option(help: "Share of the catalog held out to choose the blend.")
    var devFraction = 0.2

    @Option(help: "Candidate blends (weight of the plain similarity), comma-separated.")
    var blends = "0,0.3"

    @Option(help: "Random seed.")
    var seed: UInt64 = 1

    @Option(help: "ccp's ground-truth.json: add its street-photo garment crops to the training catalog.")
    var streetCrops: String?

    @Flag(help: "Train a street projection adapted from the catalog's projection (--projection); needs --street-crops.")
    var adapt = false

    @Flag(help: """
        Do nothing when --output exists and the stamp beside it (<output>.json, written by every run) shows it was \
        trained from the same inputs: model version, framing, settings, catalog files and street crops.
        """)
    var skipIfCurrent = false

    func validate() throws {
        if adapt {
            guard streetCrops != nil else { throw ValidationError("--adapt needs --street-crops: a street projection learns street crops") }
            guard vision.projection != "none" else { throw ValidationError("--adapt adapts the catalog's projection; --projection cannot be none") }
        }
    }

    func run() async throws {
        var plain = vision
        plain.projection = "none"
        let embedder = try plain.embedder()
        let destination = URL(fileURLWithPath: output)
        let base = adapt ? try vision.projectionToAdapt(featureDimension: embedder.featureDimension) : nil
        var inputs = try trainingInputs(modelVersion: embedder.modelVersion, framing: embedder.framing.rawValue)
        if let base { inputs += "\nadapted-from \(base.contentID)" }
        if skipIfCurrent, let stamp = ProjectionTrainingStamp.read(for: destination), stamp.vouches(for: destination, inputs: inputs) {
            JSONLineWriter().write(["output": output, "content_id": stamp.contentID, "trained": false, "reason": "current"])
            return
        }
        if let base, let streetCrops {
            try await trainStreetProjection(from: base, streetCrops: streetCrops, embedder: embedder, inputs: inputs, destination: destination)
            return
        }
        let folder = LabelledFolder(path: catalog)
        // Every photo twice: as it is and mirrored (an augmentation: garments look alike either way round).
        var (features, labels, _) = try await folder.embed(with: embedder, features: true)
        var (mirroredFeatures, mirroredLabels, _) = try await folder.embed(with: embedder, features: true, mirrored: true)
        guard labels == mirroredLabels else { throw ValidationError("the catalog changed while it was read") }
        if let streetCrops {
            let street = try StreetCrops(groundTruth: streetCrops)
            features = features.appending(try await street.features(with: embedder))
            mirroredFeatures = mirroredFeatures.appending(try await street.features(with: embedder, mirrored: true))
            labels += street.crops.map(\.label)
        }
        let classes = Array(Set(labels)).sorted()
        let indices = labels.map { classes.firstIndex(of: $0)! }
        var trainer = ProjectionTrainer()
        trainer.projectedDimension = dimension
        trainer.epochs = epochs
        trainer.seed = seed

        // A fixed split by photo: a multiplicative hash of the row index sends about devFraction to dev.
        let devRows = (0..<labels.count).filter { Double(($0 &* 2_654_435_761) % 1000) / 1000 < devFraction }
        let devSet = Set(devRows)
        let trainRows = (0..<labels.count).filter { !devSet.contains($0) }
        func rows(_ selection: [Int], of matrix: Matrix) -> Matrix {
            Matrix(rows: selection.count, columns: matrix.columns, values: selection.flatMap { matrix.row($0) })
        }
        func augmented(_ selection: [Int]) -> (Matrix, [Int]) {
            let both = Matrix(
                rows: selection.count * 2, columns: features.columns,
                values: rows(selection, of: features).values + rows(selection, of: mirroredFeatures).values)
            return (both, selection.map { indices[$0] } + selection.map { indices[$0] })
        }
        let candidates = blends.split(separator: ",").compactMap { Float($0.trimmingCharacters(in: .whitespaces)) }
        guard !candidates.isEmpty, candidates.allSatisfy({ (0...1).contains($0) }) else {
            throw ValidationError("--blends must be numbers in 0...1")
        }
        let devCatalog = rows(trainRows, of: features)
        let devQueries = rows(devRows, of: features)
        let plainDev = RetrievalEvaluation.evaluate(
            catalog: devCatalog, catalogLabels: trainRows.map { labels[$0] }, queries: devQueries,
            queryLabels: devRows.map { labels[$0] }, group: { _ in nil })
        let (heldOutX, heldOutY) = augmented(trainRows)
        let heldOut = trainer.train(features: heldOutX, labels: heldOutY, classCount: classes.count, blend: 0)
        var results: [(Float, Double)] = []
        for blend in candidates {
            let projection = LinearProjection(weights: heldOut.weights, blend: blend)
            let metrics = RetrievalEvaluation.evaluate(
                catalog: projection.apply(devCatalog), catalogLabels: trainRows.map { labels[$0] },
                queries: projection.apply(devQueries), queryLabels: devRows.map { labels[$0] }, group: { _ in nil })
            results.append((blend, metrics.precisionAt10))
        }
        let best = results.max { $0.1 < $1.1 }!
        let (allX, allY) = augmented(Array(0..<labels.count))
        let final = trainer.train(features: allX, labels: allY, classCount: classes.count, blend: best.0)
        let bytes = final.serialized()
        try Data(bytes).write(to: destination, options: .atomic)
        try ProjectionTrainingStamp(inputs: inputs, contentID: final.contentID).write(for: destination)
        JSONLineWriter().write([
            "output": output, "trained": true, "framing": embedder.framing.rawValue, "classes": classes, "catalog": labels.count,
            "dev": devRows.count, "dev_precision_at_10_plain": plainDev.precisionAt10,
            "dev_precision_at_10_by_blend": results.map { ["blend": Double($0.0), "precision_at_10": $0.1] as [String: Any] },
            "blend": Double(best.0), "dimension": dimension, "content_id": final.contentID, "bytes": bytes.count,
            "street_crops": labels.count - mirroredLabels.count,
        ])
    }

    /// `--adapt`: the street projection, from the catalog photos (and their mirror images) and every labelled street
    /// crop (``StreetCrops/crops`` and ``StreetCrops/extraCrops``, and theirs), onto `base`'s class means.
    func trainStreetProjection(from base: LinearProjection, streetCrops: String, embedder: ImageEmbedder, inputs: String, destination: URL) async throws {
        let started = ContinuousClock.now
        let folder = LabelledFolder(path: catalog)
        let (features, labels, failures) = try await folder.embed(with: embedder, features: true)
        let (mirrored, mirroredLabels, _) = try await folder.embed(with: embedder, features: true, mirrored: true)
        guard labels == mirroredLabels else { throw ValidationError("the catalog changed while it was read") }
        let street = try StreetCrops(groundTruth: streetCrops)
        let crops = street.crops + street.extraCrops
        let cropFeatures = try await street.features(with: embedder, of: crops)
        let cropMirrored = try await street.features(with: embedder, mirrored: true, of: crops)
        let classes = Array(Set(labels)).sorted()
        let unknown = Set(crops.map(\.label)).subtracting(classes)
        guard unknown.isEmpty else {
            throw ValidationError("the catalog \(catalog) has no class folder for the street crops' classes \(unknown.sorted())")
        }
        let indices = (labels + labels + crops.map(\.label) + crops.map(\.label)).map { classes.firstIndex(of: $0)! }
        var trainer = ProjectionTrainer()
        trainer.epochs = epochs
        trainer.seed = seed
        let proxies = ProjectionTrainer.classMeans(
            base.apply(features.appending(mirrored)), labels: Array(indices.prefix(labels.count * 2)), classCount: classes.count)
        let projection = trainer.adapt(
            base, features: features.appending(mirrored).appending(cropFeatures).appending(cropMirrored), labels: indices, proxies: proxies)
        let bytes = projection.serialized()
        try Data(bytes).write(to: destination, options: .atomic)
        try ProjectionTrainingStamp(inputs: inputs, contentID: projection.contentID).write(for: destination)
        JSONLineWriter().write([
            "output": output, "trained": true, "framing": embedder.framing.rawValue, "classes": classes, "catalog": labels.count,
            "catalog_failed": failures, "street_crops": crops.count, "adapted_from": base.contentID, "content_id": projection.contentID,
            "bytes": bytes.count, "seconds": Double((ContinuousClock.now - started).components.seconds),
        ])
    }

    /// The training code's revision in the stamp: bump it when the trainer, the augmentation, the dev split or the
    /// street crops change, so that `--skip-if-current` trains again.
    static let trainingRevision = 1

    /// What the training reads or is told, for the stamp (see ``ProjectionTrainingStamp``).
    func trainingInputs(modelVersion: String, framing: String) throws -> String {
        let catalogRoot = URL(fileURLWithPath: catalog)
        let catalogFiles = try LabelledFolder(path: catalog).files().map { URL(fileURLWithPath: $0.file) }
        var lines = [
            "training-revision \(Self.trainingRevision)",
            "model \(modelVersion)", "framing \(framing)", "dimension \(dimension)", "epochs \(epochs)",
            "dev-fraction \(devFraction)", "blends \(blends)", "seed \(seed)",
            "catalog \(ProjectionTrainingStamp.listing(of: catalogFiles, relativeTo: catalogRoot))",
        ]
        if let streetCrops {
            let street = try StreetCrops(groundTruth: streetCrops)
            lines.append("street-crops \(ProjectionTrainingStamp.fileDigest(URL(fileURLWithPath: streetCrops)))")
            let photos = Set(street.crops.map(\.name)).sorted().map { street.photos.appendingPathComponent($0 + ".jpg") }
            lines.append("street-photos \(ProjectionTrainingStamp.listing(of: photos, relativeTo: street.photos))")
        }
        return lines.joined(separator: "\n")
    }
}
