import Foundation
import ShopLookRuntimes
import ShopLookTestSupport

/// Where the tests find the runtime libraries and models: ``TestModelFiles`` (`$SHOPLOOK_MODELS`, else
/// `<package root>/.models`).
enum TestEnvironment {
    static var modelsDirectory: String { TestModelFiles.directory.path }
    static var onnxRuntimeLibraryPath: String { TestModelFiles.onnxRuntimeLibrary }
    static var liteRtLibraryPath: String { TestModelFiles.liteRtLibrary }
    static var poseDetectionPath: String { TestModelFiles.path("blazepose/pose_detection.tflite") }
    static var poseLandmarkFullPath: String { TestModelFiles.path("blazepose/pose_landmark_full.tflite") }

    static func scratchDirectory() -> URL {
        TestPaths.scratchDirectory("shoplook-runtimes-tests")
    }
}

/// What a test needs from `Deploy/fetch-models`.
enum ModelRequirement: CaseIterable, Sendable {
    case onnxRuntime
    case liteRt
    case blazePose

    var paths: [String] {
        switch self {
        case .onnxRuntime: [TestEnvironment.onnxRuntimeLibraryPath]
        case .liteRt: [TestEnvironment.liteRtLibraryPath]
        case .blazePose: [TestEnvironment.poseDetectionPath, TestEnvironment.poseLandmarkFullPath]
        }
    }
}

/// Throws a ``MissingModelFiles`` that says to run `Deploy/fetch-models` unless every file of
/// `requirements` is there. Tests call it first, so an absent library is a clear failure
/// rather than a crash or a silent pass.
func requireModels(_ requirements: ModelRequirement...) throws {
    try TestModelFiles.require(requirements.flatMap(\.paths))
}

/// Shared runtimes: one `OrtEnv` / `LiteRtEnvironment` for the whole test process.
enum SharedRuntimes {
    static func onnx() throws -> OnnxRuntime {
        try requireModels(.onnxRuntime)
        return try onnxResult.get()
    }

    static func liteRt() throws -> LiteRtRuntime {
        try requireModels(.liteRt)
        return try liteRtResult.get()
    }

    private static let onnxResult: Result<OnnxRuntime, RuntimeError> = Result { () throws(RuntimeError) in
        try OnnxRuntime(modelsDirectory: TestEnvironment.modelsDirectory)
    }
    private static let liteRtResult: Result<LiteRtRuntime, RuntimeError> = Result { () throws(RuntimeError) in
        try LiteRtRuntime(modelsDirectory: TestEnvironment.modelsDirectory)
    }
}
