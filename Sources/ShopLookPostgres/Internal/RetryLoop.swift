import Logging

/// Runs `operation` until it succeeds, retrying retriable ``PostgresError``s with `backoff`'s delays.
///
/// Gives up — rethrowing the last error — when the next delay would end more than
/// `backoff.maximumTotalWait` after the first attempt started, or at once for a non-retriable error or any
/// other error type. Task cancellation ends the wait with `CancellationError`. Each retry is logged.
func withBackoff<T>(
    _ backoff: PostgresConfiguration.Backoff,
    logger: Logger,
    what: String,
    isolation: isolated (any Actor)? = #isolation,
    _ operation: (_ attempt: Int) async throws -> T
) async throws -> T {
    let clock = ContinuousClock()
    let deadline = clock.now.advanced(by: backoff.maximumTotalWait)
    var attempt = 1
    while true {
        do {
            return try await operation(attempt)
        } catch let error as PostgresError where error.isRetriable {
            let delay = backoff.delay(beforeRetry: attempt)
            if clock.now.advanced(by: delay) > deadline {
                logger.error("\(what) failed after \(attempt) attempts; giving up: \(error)")
                throw error
            }
            logger.warning("\(what) failed (attempt \(attempt)); retrying in \(delay): \(error)")
            try await Task.sleep(for: delay)
            attempt += 1
        }
    }
}
