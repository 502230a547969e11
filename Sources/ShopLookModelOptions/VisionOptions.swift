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

    @Option(help: "How a crop becomes the model's input: center-crop, pad, or multi-view (both, concatenated).")
    public var framing: EmbeddingFraming = .multiView

    @Option(help: "Learned projection file, or 'none' for the plain ImageNet features (default: the project's Models/fashion-projection.slproj).")
    public var projection: String?

    @Option(help: "EfficientNet-Lite0 in int8 or float (a model version each: a catalog embedded with one is searched with it).")
    public var precision: ModelPrecision = .int8

    public init() {}

    public func validate() throws {
        guard (1...64).contains(threads) else { throw ValidationError("--threads must be 1-64") }
    }

    public func loadProjection() throws -> LinearProjection? {
        if projection == "none" { return nil }
        let url: URL
        if let projection {
            url = URL(fileURLWithPath: projection)
        } else {
            guard let directory = try? ShopLookPaths.directory(named: "Models") else { return nil }
            url = directory.appendingPathComponent(LinearProjection.defaultFileName)
            guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        }
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw ValidationError("cannot read the projection file \(url.path)")
        }
        return try LinearProjection(serialized: [UInt8](data))
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
