import ArgumentParser
import Foundation
import ShopLookCore
import ShopLookImaging
import ShopLookRuntimes
import ShopLookVision

/// The embedder's settings, shared by `shoplook embed`/`eval`/`bench`/`train` and the embed worker, so that
/// every process computes comparable vectors.
public struct VisionOptions: ParsableArguments {
    @OptionGroup public var model: ModelOptions

    @Option(help: "Inference threads.")
    public var threads = 1

    @Option(
        name: .customLong("framing"),
        help: """
            How a crop becomes the model's input: center-crop, pad, multi-view (both, concatenated) or banded (one padded \
            view pooled in three horizontal bands; int8 only). Default: banded for int8, multi-view for float.
            """)
    public var framingChoice: EmbeddingFraming?

    @Option(help: """
        Learned projection file, or 'none' for the plain ImageNet features (default: the project's own for the framing, \
        Models/fashion-projection-banded.slproj for banded, Models/fashion-projection.slproj for the others).
        """)
    public var projection: String?

    @Option(help: "EfficientNet-Lite0 in int8 or float (a model version each: a catalog embedded with one is searched with it).")
    public var precision: ModelPrecision = .int8

    public init() {}

    /// The framing the embedder runs: the one given, else the default for the precision.
    public var framing: EmbeddingFraming { framingChoice ?? Self.defaultFraming(for: precision) }

    /// What each precision runs when no framing is given: the int8 model one banded pass (issue 17), the float
    /// model the two views it ran before (the reference configuration).
    public static func defaultFraming(for precision: ModelPrecision) -> EmbeddingFraming {
        precision == .int8 ? .banded : .multiView
    }

    public func validate() throws {
        guard (1...64).contains(threads) else { throw ValidationError("--threads must be 1-64") }
    }

    /// The projection given, or the project's own for this embedder's framing.
    public func loadProjection() throws -> LinearProjection? {
        if projection == "none" { return nil }
        let url: URL
        if let projection {
            url = URL(fileURLWithPath: projection)
        } else {
            guard let directory = try? ShopLookPaths.directory(named: "Models") else { return nil }
            url = directory.appendingPathComponent(LinearProjection.defaultFileName(for: framing))
            guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        }
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw ValidationError("cannot read the projection file \(url.path)")
        }
        let loaded = try LinearProjection(serialized: [UInt8](data))
        if let base = loaded.adaptedFrom {
            throw ValidationError(
                "\(url.path) is a street projection (adapted from the projection \(base)): it embeds a look's garment crops "
                    + "(--street-projection), never a catalog; a catalog and its looks embed with its base projection")
        }
        return loaded
    }

    /// The catalog's projection that a street projection is adapted from (`shoplook train projection --adapt`,
    /// `shoplook eval street2shop --folds`): the one given or the project's own, for features of `featureDimension`.
    /// - Throws: `ValidationError` when there is none, or it has a blend or another input width.
    public func projectionToAdapt(featureDimension: Int) throws -> LinearProjection {
        guard let base = try loadProjection() else {
            throw ValidationError("no catalog projection to adapt a street projection from (Models/\(LinearProjection.defaultFileName(for: framing)) or --projection)")
        }
        guard base.blend == 0, base.inputDimension == featureDimension else {
            throw ValidationError(
                "the catalog projection \(base.contentID) has a blend or another input width; a street projection adapts one without a blend "
                    + "for the \(framing.rawValue) framing's \(featureDimension)-d features")
        }
        return base
    }

    public func embedder() throws -> ImageEmbedder {
        let embedder = try ImageEmbedder(
            models: try model.modelFiles(), threads: threads, framing: framing, projection: try loadProjection(), precision: precision)
        // A projection trained here (`shoplook train projection` writes a stamp beside it) maps the features of the
        // model it was trained on; on another model's features it would give vectors that match nothing.
        if let projection, projection != "none",
           let reason = ProjectionTrainingStamp.mismatch(projection: URL(fileURLWithPath: projection), baseModelVersion: embedder.baseModelVersion) {
            throw ValidationError(reason)
        }
        return embedder
    }

    /// A centre-crop embedder of the same model (no projection): names crops from its ImageNet logits.
    public func categorizer() throws -> ImageEmbedder {
        try ImageEmbedder(models: try model.modelFiles(), threads: threads, framing: .centerCrop, precision: precision)
    }
}

extension EmbeddingFraming: ExpressibleByArgument {}
extension ModelPrecision: ExpressibleByArgument {}
