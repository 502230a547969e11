import ShopLookTestSupport
import Testing
@testable import ShopLookRuntimes

@Suite("RuntimeLibrary on the fetched libraries", .requiresModels)
struct RuntimeLibraryIntegrationTests {
    @Test("loading the wrong library as ONNX Runtime is a clear error, not a crash")
    func wrongLibraryForOnnx() throws {
        try requireModels(.liteRt)
        let library = try RuntimeLibrary.open(path: TestEnvironment.liteRtLibraryPath)
        #expect(throws: RuntimeError.self) { try OnnxRuntime(library: library) }
        do {
            _ = try OnnxRuntime(library: library)
        } catch {
            guard case let .symbolMissing(_, symbol, _) = error else {
                Issue.record("expected .symbolMissing, got \(error)")
                return
            }
            #expect(symbol == "OrtGetApiBase")
        }
    }
}
