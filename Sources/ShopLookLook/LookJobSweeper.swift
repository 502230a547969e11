import Logging
import ServiceLifecycle

/// Ends every unfinished look past its deadline as `failed` (``LookJobStore/sweepExpired()``), every `interval`:
/// a job whose message was lost, or whose workers all died, still ends. Every query worker runs one; the sweep is
/// one idempotent statement, so several at once are harmless.
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
