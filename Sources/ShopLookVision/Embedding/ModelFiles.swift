import Foundation
import ShopLookCore

/// Where the fetched models and runtimes are: `$SHOPLOOK_MODELS`, else the project's `.models/` (found
/// like `Schemas/`: `$SHOPLOOK_HOME`, the current directory and its parents, the executable's folder and its
/// parents). `Deploy/fetch-models` puts them there.
public struct ModelFiles: Sendable {
    public let directory: URL

    public init(directory: URL) {
        self.directory = directory
    }

    public static func locate(environment: [String: String] = ProcessInfo.processInfo.environment) throws(VisionError) -> ModelFiles {
        if let path = environment["SHOPLOOK_MODELS"], !path.isEmpty {
            return ModelFiles(directory: URL(fileURLWithPath: path))
        }
        do {
            return ModelFiles(directory: try ShopLookPaths.directory(named: ".models"))
        } catch {
            throw .modelFiles("model files not found (\(error)); run Deploy/fetch-models, or set SHOPLOOK_MODELS")
        }
    }

    /// A file under the directory, which must exist.
    public func file(_ relativePath: String) throws(VisionError) -> URL {
        let url = directory.appendingPathComponent(relativePath)
        guard FileManager.default.isReadableFile(atPath: url.path) else {
            throw .modelFiles("model file missing: \(url.path); run Deploy/fetch-models to fetch it")
        }
        return url
    }

    public var efficientNetLite0: URL { get throws(VisionError) { try file("efficientnet-lite0/efficientnet_lite0.onnx") } }
    public var poseDetector: URL { get throws(VisionError) { try file("blazepose/pose_detection.tflite") } }
    public var poseLandmarks: URL { get throws(VisionError) { try file("blazepose/pose_landmark_full.tflite") } }

    /// The version id `Deploy/fetch-models` recorded for a model (`efficientnet-lite0-imagenet@…`).
    public func versionID(of model: String) throws(VisionError) -> String {
        let manifest = try file("manifest.json")
        guard let data = try? Data(contentsOf: manifest),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let models = object["models"] as? [String: Any], let entry = models[model] as? [String: Any],
              let version = entry["version_id"] as? String
        else { throw .modelFiles("\(manifest.path) has no version id for \(model); run Deploy/fetch-models") }
        return version
    }
}
