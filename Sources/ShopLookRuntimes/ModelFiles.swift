import Foundation
import ShopLookCore

/// Where the fetched models and runtimes are: `$SHOPLOOK_MODELS`, else the project's `.models/` (found like
/// `Schemas/`: `$SHOPLOOK_HOME`, the current directory and its parents, the executable's folder and its
/// parents). `Deploy/fetch-models` puts them there; a missing file is an error naming it and that command.
public struct ModelFiles: Sendable, Hashable {
    public let directory: URL

    public init(directory: URL) {
        self.directory = directory
    }

    public static func locate(environment: [String: String] = ProcessInfo.processInfo.environment) throws(RuntimeError) -> ModelFiles {
        if let path = environment["SHOPLOOK_MODELS"], !path.isEmpty {
            return ModelFiles(directory: URL(fileURLWithPath: path))
        }
        do {
            return ModelFiles(directory: try ShopLookPaths.directory(named: ".models"))
        } catch {
            throw .fileMissing(path: ".models (\(error))", hint: RuntimeError.fetchModelsHint)
        }
    }

    /// A file under the directory, which must be readable.
    public func file(_ relativePath: String) throws(RuntimeError) -> URL {
        let url = directory.appendingPathComponent(relativePath)
        guard FileManager.default.isReadableFile(atPath: url.path) else {
            throw .fileMissing(path: url.path, hint: RuntimeError.fetchModelsHint)
        }
        return url
    }

    public var efficientNetLite0: URL { get throws(RuntimeError) { try file("efficientnet-lite0/efficientnet_lite0.onnx") } }
    /// EfficientNet-Lite0 quantised to int8 (static QDQ, weights per channel) by `Deploy/fetch-models`.
    public var efficientNetLite0Int8: URL { get throws(RuntimeError) { try file("efficientnet-lite0/efficientnet_lite0_int8.onnx") } }
    /// EfficientNet-Lite0's first 11 blocks for a 384×192 person crop, in int8: the garment parser's backbone.
    public var parserBackbone: URL { get throws(RuntimeError) { try file("efficientnet-lite0/lite0_parser_backbone_int8.onnx") } }
    /// The backbone's name in the manifest.
    public static let parserBackboneName = "efficientnet-lite0-parser-backbone"
    /// Where `shoplook train parser` writes the garment parser's weights (trained locally, never fetched).
    public var garmentParserWeights: URL { directory.appendingPathComponent("parser/garment-parser.slparse") }
    public var poseDetector: URL { get throws(RuntimeError) { try file("blazepose/pose_detection.tflite") } }
    public var poseLandmarks: URL { get throws(RuntimeError) { try file("blazepose/pose_landmark_full.tflite") } }
    public var liteRtLibrary: URL { get throws(RuntimeError) { try file("litert/libLiteRt.so") } }

    /// The version id `Deploy/fetch-models` recorded for a model (`efficientnet-lite0-imagenet@…`).
    public func versionID(of model: String) throws(RuntimeError) -> String {
        let manifest = try file("manifest.json")
        guard let data = try? Data(contentsOf: manifest),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let models = object["models"] as? [String: Any], let entry = models[model] as? [String: Any],
              let version = entry["version_id"] as? String
        else { throw .fileMissing(path: "\(manifest.path) (no version id for \(model))", hint: RuntimeError.fetchModelsHint) }
        return version
    }
}
