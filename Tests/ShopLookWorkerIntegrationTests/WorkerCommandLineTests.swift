import ShopLookTestSupport
import Testing

/// The workers' command lines, without any service behind them.
@Suite(.requiresExecutables("shoplook-pose-worker", "shoplook-detect-worker", "shoplook-embed-worker"))
struct WorkerCommandLineTests {
    @Test(arguments: ["shoplook-pose-worker", "shoplook-embed-worker"])
    func aBadFlagIsAUsageError(executable: String) async throws {
        let worker = try TestProcess(executable, arguments: ["--no-such-flag"])
        #expect(await worker.exit() == .exited(64))
        let output = await worker.output()
        #expect(output.contains("Unknown option '--no-such-flag'") && output.contains("Usage: \(executable)"), "\(output)")
    }

    @Test func aConcurrencyOutOfRangeIsAUsageError() async throws {
        let worker = try TestProcess("shoplook-detect-worker", arguments: ["--concurrency", "0"])
        #expect(await worker.exit() == .exited(64))
        #expect(await worker.output().contains("--concurrency must be 1-64"))
    }
}
