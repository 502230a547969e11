import Foundation
import ShopLookCore

/// Where the BlazePose models and `libLiteRt.so` are: `$SHOPLOOK_MODELS`, else the project's
/// `.models/` (found by `ShopLookPaths`). `Deploy/fetch-models` puts them there.
public struct PoseModelFiles: Sendable, Hashable {
    public let directory: String

    public init(directory: String) {
        self.directory = directory
    }

    /// `$SHOPLOOK_MODELS` when set and non-empty, else `.models` found like `Schemas/`.
    public static func locate(
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(PoseError) -> PoseModelFiles {
        if let path = environment["SHOPLOOK_MODELS"], !path.isEmpty {
            return PoseModelFiles(directory: path)
        }
        do {
            return PoseModelFiles(directory: try ShopLookPaths.directory(named: ".models").path)
        } catch {
            throw .modelFiles("model directory not found (\(error)); run Deploy/fetch-models, or set SHOPLOOK_MODELS")
        }
    }

    /// The path of `relativePath` under the directory, which must be a readable file.
    public func file(_ relativePath: String) throws(PoseError) -> String {
        let path = (directory as NSString).appendingPathComponent(relativePath)
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw .modelFiles("missing \(path); run Deploy/fetch-models (or point SHOPLOOK_MODELS at a directory that has it)")
        }
        return path
    }

    public var poseDetector: String { get throws(PoseError) { try file("blazepose/pose_detection.tflite") } }
    public var poseLandmarks: String { get throws(PoseError) { try file("blazepose/pose_landmark_full.tflite") } }
    public var liteRtLibrary: String { get throws(PoseError) { try file("litert/libLiteRt.so") } }
}
