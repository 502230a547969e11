import ShopLookCore
import Logging

/// A fixed-size pool of ``PostgresConnection``s.
///
/// ``withConnection(isolation:_:)`` leases a connection for the body's duration: an idle one if there is one,
/// a new one while fewer than `maximumConnections` exist, otherwise the caller waits in a FIFO queue. Waiting
/// is cancellation-safe (a cancelled waiter leaves the queue with `CancellationError`; no connection is lost).
///
/// Before an idle connection is handed out it is checked without a round trip (pending input is read, so a
/// backend terminated server-side is noticed); an unhealthy connection is closed and replaced. New
/// connections are opened with exponential back-off (``PostgresConfiguration/Backoff``), each failed attempt
/// logged, giving up after `maximumTotalWait` with the last error. A connection returned inside an open
/// transaction is rolled back; one returned unhealthy is closed.
///
/// The bookkeeping lives in an internal actor; the pool itself is a `Sendable` class so that bodies run in
/// the caller's isolation.
public final class PostgresPool: Sendable {
    public let configuration: PostgresConfiguration
    public let maximumConnections: Int
    private let logger: Logger
    private let state: ConnectionPoolState

    public init(configuration: PostgresConfiguration, maximumConnections: Int = 4, logger: Logger) {
        precondition(maximumConnections > 0, "a pool needs at least one connection")
        self.configuration = configuration
        self.maximumConnections = maximumConnections
        self.logger = logger
        self.state = ConnectionPoolState(configuration: configuration, maximumConnections: maximumConnections, logger: logger)
    }

    /// Leases a connection for the duration of `body` and returns it afterwards (also when `body` throws or
    /// the task is cancelled). `body` runs in the caller's isolation. Do not keep the connection.
    public func withConnection<T: Sendable>(
        isolation: isolated (any Actor)? = #isolation,
        _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        let connection = try await state.lease()
        do {
            let result = try await body(connection)
            await state.release(connection)
            return result
        } catch {
            await state.release(connection)
            throw error
        }
    }

    /// Runs `body` on a leased connection and, when it fails with a retriable error (``PostgresError/isRetriable``:
    /// lost connection, serialization failure, deadlock, …), runs it again — on a healthy connection — after the
    /// configured back-off, until `maximumTotalWait` is spent; then the last error is thrown. Other errors are
    /// thrown at once.
    ///
    /// `body` may run more than once, so it must be idempotent (a transaction that either commits whole or
    /// not at all, upserts keyed by deterministic ids).
    public func retrying<T: Sendable>(
        isolation: isolated (any Actor)? = #isolation,
        _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        try await withBackoff(configuration.backoff, logger: logger, what: "database operation") { _ in
            try await withConnection { connection in try await body(connection) }
        }
    }

    /// Closes idle connections and fails waiters; leased connections are closed when returned. Later leases
    /// fail with a `.connection` error. Idempotent.
    public func close() async {
        await state.close()
    }

    /// Connections that exist or are being opened, how many of them are idle, and how many callers wait.
    public var statistics: (open: Int, idle: Int, waiting: Int) {
        get async { await state.statistics }
    }
}
