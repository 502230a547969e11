import Foundation
import ShopLookImaging
import ShopLookPose
import ShopLookRuntimes

/// Models from `$SHOPLOOK_MODELS`, default the package's `.models` (Deploy/fetch-models puts them there).
enum TestModels {
    static let directory: String = {
        let env = ProcessInfo.processInfo.environment["SHOPLOOK_MODELS"] ?? ""
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return env.isEmpty ? root.appendingPathComponent(".models").path : env
    }()

    static let files = ModelFiles(directory: URL(fileURLWithPath: directory))

    /// Throws a clear "run Deploy/fetch-models" error when anything is missing.
    static func require() throws {
        let needed = ["blazepose/pose_detection.tflite", "blazepose/pose_landmark_full.tflite",
                      "litert/libLiteRt.so", "testdata/astronaut.jpg", "testdata/chelsea.jpg", "testdata/coffee.jpg"]
        let missing = needed.filter { !FileManager.default.isReadableFile(atPath: "\(directory)/\($0)") }
        if !missing.isEmpty { throw MissingModels(missing: missing, directory: directory) }
    }

    /// One LiteRT runtime for the whole test process.
    static func runtime() throws -> LiteRtRuntime {
        try require()
        return try runtimeResult.get()
    }

    private static let runtimeResult: Result<LiteRtRuntime, RuntimeError> = Result { () throws(RuntimeError) in
        try LiteRtRuntime(modelsDirectory: directory)
    }

    static func jpeg(_ name: String) throws -> [UInt8] {
        try require()
        return Array(try Data(contentsOf: URL(fileURLWithPath: "\(directory)/testdata/\(name)")))
    }

    static func image(_ name: String) throws -> RGBImage {
        try JPEGDecoder().decode(jpeg(name))
    }

    static func detector(minimumScore: Float = 0.5) throws -> PoseDetector {
        try PoseDetector(runtime: runtime(), modelPath: files.poseDetector.path, minimumScore: minimumScore)
    }

    static func estimator() throws -> PoseEstimator {
        try PoseEstimator(runtime: runtime(), files: files)
    }
}

struct MissingModels: Error, CustomStringConvertible {
    let missing: [String]
    let directory: String
    var description: String {
        "pose test files missing in \(directory): \(missing.joined(separator: ", ")) — run Deploy/fetch-models "
            + "(or set SHOPLOOK_MODELS to a directory that has them)"
    }
}
