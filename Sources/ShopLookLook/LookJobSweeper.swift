import Logging
import Metrics
import ServiceLifecycle

/// Ends every unfinished look past its deadline as `failed` (``LookJobStore/sweepExpired(grace:)``), every
/// `interval`: a job whose message was lost, or whose workers all died, still ends. Every query worker and every
/// API process runs one (so looks end even while no worker runs); the sweep is one idempotent statement that skips
/// rows in use, so several at once are harmless.
public struct LookJobSweeper: Service {
    let jobs: LookJobStore
    let interval: Duration
    let logger: Logger

    public init(jobs: LookJobStore, interval: Duration = .milliseconds(500), logger: Logger) {
        self.jobs = jobs
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        try await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    let swept = try await jobs.sweepExpired()
                    if !swept.isEmpty {
                        Counter(label: "shoplook_looks_total", dimensions: [("state", "failed")]).increment(by: swept.count)
                        logger.warning("\(swept.count) look(s) failed at their deadline: \(swept.map { $0.uuidString.lowercased() }.joined(separator: ", "))")
                    }
                } catch {
                    logger.warning("look deadline sweep failed (retrying): \(error)")
                }
                try? await Task.sleep(for: interval)
            }
        }
    }
}
