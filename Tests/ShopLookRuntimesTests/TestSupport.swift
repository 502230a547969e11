import Foundation
import ShopLookRuntimes

/// Where the tests find the runtime libraries and models:
/// `$SHOPLOOK_MODELS`, else `<package root>/.models`.
enum TestEnvironment {
    static let packageRoot: String = {
        // <root>/Tests/ShopLookRuntimesTests/TestSupport.swift
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
    }()

    static let modelsDirectory = RuntimeLibrary.modelsDirectory(projectRoot: packageRoot)

    static var onnxRuntimeLibraryPath: String {
        RuntimeLibrary.defaultLibraryPath(.onnxRuntime, modelsDirectory: modelsDirectory)
    }
    static var liteRtLibraryPath: String {
        RuntimeLibrary.defaultLibraryPath(.liteRt, modelsDirectory: modelsDirectory)
    }
    static var poseDetectionPath: String { "\(modelsDirectory)/blazepose/pose_detection.tflite" }
    static var poseLandmarkFullPath: String { "\(modelsDirectory)/blazepose/pose_landmark_full.tflite" }

    static func scratchDirectory() -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("shoplook-runtimes-tests-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
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

/// Thrown by ``requireModels(_:)`` when fetched files are absent.
struct ModelsUnavailable: Error, CustomStringConvertible {
    let missing: [String]
    var description: String {
        "model runtime files missing: \(missing.joined(separator: ", ")) — run Deploy/fetch-models "
            + "(or set SHOPLOOK_MODELS to a directory that has them; looked in \(TestEnvironment.modelsDirectory))"
    }
}

/// Paths of `requirements` that are not on disk.
func missingModels(_ requirements: [ModelRequirement]) -> [String] {
    requirements.flatMap(\.paths).filter { !FileManager.default.fileExists(atPath: $0) }
}

/// True when everything in `requirements` is on disk (for `.enabled(if:)` should the project
/// prefer skipping to failing).
func modelsAvailable(_ requirements: ModelRequirement...) -> Bool {
    missingModels(requirements).isEmpty
}

/// Throws a ``ModelsUnavailable`` that says to run `Deploy/fetch-models` unless every file of
/// `requirements` is there. Tests call it first, so an absent library is a clear failure
/// rather than a crash or a silent pass.
func requireModels(_ requirements: ModelRequirement...) throws {
    let missing = missingModels(requirements)
    if !missing.isEmpty { throw ModelsUnavailable(missing: missing) }
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
