import Foundation
import ShopLookRuntimes

/// The fetched model files, runtime libraries and test photos (`Deploy/fetch-models`): the one place every test
/// target looks for them.
public enum TestModelFiles {
    /// `$SHOPLOOK_MODELS`, else `<package root>/.models` (``RuntimeLibrary/modelsDirectory(projectRoot:environment:)``,
    /// the executables' rule).
    public static let directory = URL(fileURLWithPath: RuntimeLibrary.modelsDirectory(projectRoot: TestPaths.packageRoot.path))

    public static let files = ModelFiles(directory: directory)

    /// The test photos and the embedder's reference outputs.
    public static var testdata: URL { directory.appendingPathComponent("testdata") }

    /// The path of `relativePath` under ``directory``.
    public static func path(_ relativePath: String) -> String {
        directory.appendingPathComponent(relativePath).path
    }

    public static var liteRtLibrary: String { RuntimeLibrary.defaultLibraryPath(.liteRt, modelsDirectory: directory.path) }
    public static var onnxRuntimeLibrary: String { RuntimeLibrary.defaultLibraryPath(.onnxRuntime, modelsDirectory: directory.path) }

    /// Everything the model tests read (what `Deploy/fetch-models` puts in ``directory``).
    public static var all: [String] {
        [liteRtLibrary, onnxRuntimeLibrary] + [
            "manifest.json", "blazepose/pose_detection.tflite", "blazepose/pose_landmark_full.tflite",
            "efficientnet-lite0/efficientnet_lite0.onnx", "efficientnet-lite0/lite0_parser_backbone_int8.onnx", "testdata/astronaut.jpg", "testdata/chelsea.jpg",
            "testdata/chelsea-224.jpg", "testdata/coffee.jpg", "testdata/coffee.png", "testdata/person.jpg",
            "testdata/reference-embeddings.json",
        ].map(path)
    }

    /// The paths of `paths` that are not readable files.
    public static func missing(_ paths: [String] = all) -> [String] {
        paths.filter { !FileManager.default.isReadableFile(atPath: $0) }
    }

    /// Throws a ``MissingModelFiles`` that says to run `Deploy/fetch-models` unless every file of `paths` is
    /// there, so that an absent file is a clear failure rather than a crash.
    public static func require(_ paths: [String] = all) throws(MissingModelFiles) {
        let missing = missing(paths)
        if !missing.isEmpty { throw MissingModelFiles(missing: missing) }
    }
}

/// Thrown by ``TestModelFiles/require(_:)`` when fetched files are absent.
public struct MissingModelFiles: Error, CustomStringConvertible {
    public let missing: [String]

    public init(missing: [String]) {
        self.missing = missing
    }

    public var description: String {
        "model files missing: \(missing.joined(separator: ", ")) — run Deploy/fetch-models "
            + "(or set SHOPLOOK_MODELS to a directory that has them; looked in \(TestModelFiles.directory.path))"
    }
}
