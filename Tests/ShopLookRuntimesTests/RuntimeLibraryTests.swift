import Foundation
import ShopLookTestSupport
import Testing
@testable import ShopLookRuntimes

@Suite("RuntimeLibrary")
struct RuntimeLibraryTests {
    @Test("a missing library file is a typed error naming the file and Deploy/fetch-models")
    func missingLibrary() throws {
        let dir = TestPaths.scratchDirectory("shoplook-runtimes-tests")
        defer { try? FileManager.default.removeItem(at: dir) }
        let error = #expect(throws: RuntimeError.self) {
            try RuntimeLibrary.open(.liteRt, modelsDirectory: dir.path)
        }
        let expectedPath = dir.appendingPathComponent("litert/libLiteRt.so").path
        guard case let .fileMissing(path, hint) = error else {
            Issue.record("expected .fileMissing, got \(String(describing: error))")
            return
        }
        #expect(path == expectedPath)
        #expect(hint.contains("Deploy/fetch-models"))
        #expect(error!.description.contains(expectedPath))
        #expect(error!.description.contains("Deploy/fetch-models"))

        // The runtimes' convenience initialisers surface the same error.
        #expect(throws: RuntimeError.fileMissing(path: expectedPath, hint: RuntimeError.fetchModelsHint)) {
            try LiteRtRuntime(modelsDirectory: dir.path)
        }
        let onnxPath = dir.appendingPathComponent("onnxruntime/libonnxruntime.so").path
        #expect(throws: RuntimeError.fileMissing(path: onnxPath, hint: RuntimeError.fetchModelsHint)) {
            try OnnxRuntime(modelsDirectory: dir.path)
        }
    }

    @Test("a file that is not a shared library gives the dlopen error text")
    func notALibrary() throws {
        let dir = TestPaths.scratchDirectory("shoplook-runtimes-tests")
        defer { try? FileManager.default.removeItem(at: dir) }
        let fake = dir.appendingPathComponent("libfake.so")
        try Data("this is not an ELF file, just text\n".utf8).write(to: fake)
        let error = #expect(throws: RuntimeError.self) { try RuntimeLibrary.open(path: fake.path) }
        guard case let .libraryLoadFailed(path, reason) = error else {
            Issue.record("expected .libraryLoadFailed, got \(String(describing: error))")
            return
        }
        #expect(path == fake.path)
        #expect(reason.contains(fake.path))  // dlerror() names the file…
        #expect(reason.contains("ELF") || reason.contains("too short"))  // …and what is wrong with it
    }

    @Test("models directory: SHOPLOOK_MODELS wins, else <root>/.models")
    func modelsDirectoryResolution() {
        #expect(RuntimeLibrary.modelsDirectory(projectRoot: "/srv/shoplook", environment: [:]) == "/srv/shoplook/.models")
        #expect(RuntimeLibrary.modelsDirectory(projectRoot: "/srv/shoplook", environment: ["SHOPLOOK_MODELS": ""]) == "/srv/shoplook/.models")
        #expect(RuntimeLibrary.modelsDirectory(projectRoot: "/srv/shoplook", environment: ["SHOPLOOK_MODELS": "/opt/models"]) == "/opt/models")
    }

    @Test("ONNX Runtime library path: unversioned name first, else the highest version")
    func versionedLibraryName() throws {
        let dir = TestPaths.scratchDirectory("shoplook-runtimes-tests")
        defer { try? FileManager.default.removeItem(at: dir) }
        let ortDir = dir.appendingPathComponent("onnxruntime")
        try FileManager.default.createDirectory(at: ortDir, withIntermediateDirectories: true)
        #expect(RuntimeLibrary.defaultLibraryPath(.onnxRuntime, modelsDirectory: dir.path) == ortDir.appendingPathComponent("libonnxruntime.so").path)
        for name in ["libonnxruntime.so.1.9.0", "libonnxruntime.so.1.32.0", "libonnxruntime_providers_shared.so"] {
            try Data().write(to: ortDir.appendingPathComponent(name))
        }
        #expect(RuntimeLibrary.defaultLibraryPath(.onnxRuntime, modelsDirectory: dir.path) == ortDir.appendingPathComponent("libonnxruntime.so.1.32.0").path)
        try Data().write(to: ortDir.appendingPathComponent("libonnxruntime.so"))
        #expect(RuntimeLibrary.defaultLibraryPath(.onnxRuntime, modelsDirectory: dir.path) == ortDir.appendingPathComponent("libonnxruntime.so").path)
    }

    @Test("requireModels names what is missing and says to run Deploy/fetch-models")
    func requireModelsMessage() {
        let error = MissingModelFiles(missing: ["/nowhere/litert/libLiteRt.so"])
        #expect(error.description.contains("/nowhere/litert/libLiteRt.so"))
        #expect(error.description.contains("Deploy/fetch-models"))
    }
}
