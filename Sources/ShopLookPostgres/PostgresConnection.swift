import Logging
import ShopLookCore

/// One PostgreSQL session, wrapping libpq.
///
/// Every isolated method — and so every libpq call — runs on the connection's own ``DedicatedThreadExecutor``
/// thread (the actor's `unownedExecutor`), so libpq's blocking calls never occupy Swift's cooperative pool;
/// callers simply `await`. (`transaction` and `copyIn` are `nonisolated(nonsending)`: the caller's body or row
/// sequence runs in the caller's isolation, each statement or COPY chunk hops to the connection's thread.)
/// Statements run one at a time; results are copied into Swift storage before the method returns.
///
/// A connection is a session: `SET`, temporary tables, advisory locks and open transactions belong to it.
/// Do not share one connection between concurrent tasks while a transaction is open (actor methods may
/// interleave at `await`s); lease one from a ``PostgresPool`` instead.
///
/// After a connection-level error (`kind == .connection`) the connection is unhealthy for good: close it and
/// connect again (the pool does this).
public actor PostgresConnection {
    private let executor: DedicatedThreadExecutor
    private var pq: LibPQConnection?
    private var broken = false
    /// Depth of ``transaction(_:)`` nesting (0 = none).
    var transactionDepth = 0
    /// Whether a `COPY FROM STDIN` is open (only copy calls may use the connection then).
    var copyInProgress = false
    let logger: Logger

    /// A number identifying this connection in logs (process-wide counter).
    public nonisolated let id: Int

    public nonisolated var unownedExecutor: UnownedSerialExecutor {
        executor.asUnownedSerialExecutor()
    }

    private init(logger: Logger) {
        let id = ConnectionIDs.next()
        self.id = id
        self.executor = DedicatedThreadExecutor(name: "postgres-" + String(id))
        var logger = logger
        logger[metadataKey: "pg.connection"] = "\(id)"
        self.logger = logger
    }

    deinit {
        executor.shutdown()
    }

    /// Opens a connection (one attempt; the pool adds back-off). Blocks only the new connection's own thread.
    public static func connect(_ configuration: PostgresConfiguration, logger: Logger) async throws(PostgresError) -> PostgresConnection {
        let connection = PostgresConnection(logger: logger)
        try await connection.open(configuration)
        return connection
    }

    private func open(_ configuration: PostgresConfiguration) throws(PostgresError) {
        logger.debug("connecting to \(configuration)")
        let pq = try LibPQConnection.connect(parameters: configuration.libpqParameters, logger: logger)
        self.pq = pq
        logger.debug("connected", metadata: ["pg.backend_pid": "\(pq.backendPID)", "pg.server_version": "\(pq.serverVersion)"])
    }

    // MARK: State

    /// Whether the connection can run statements: open, `PQstatus == CONNECTION_OK`, no connection-level
    /// error seen, and not inside a failed transaction (where only ROLLBACK is accepted).
    public var isHealthy: Bool {
        guard let pq, !broken, pq.isConnectionOK else { return false }
        switch pq.transactionStatus {
        case .idle, .active, .inTransaction: return true
        case .inError, .unknown: return false
        }
    }

    /// Whether a transaction block is open (also when it has failed).
    public var isInTransaction: Bool {
        guard let pq else { return false }
        return pq.transactionStatus == .inTransaction || pq.transactionStatus == .inError
    }

    /// The server process serving this session (`PQbackendPID`; 0 when closed).
    public var backendPID: Int { pq?.backendPID ?? 0 }

    /// Closes the session (`PQfinish`) and stops the connection's thread once pending calls have run.
    /// Idempotent; later calls fail with a `.connection` error.
    public func close() {
        guard let pq else { return }
        pq.finish()
        self.pq = nil
        logger.debug("closed")
        executor.shutdown()
    }

    /// Reads what the server sent while the connection was idle (without blocking) and reports whether it is
    /// still healthy; a terminated backend is detected here before the pool hands the connection out.
    func checkAlive() -> Bool {
        guard let pq, !broken else { return false }
        if !pq.pollIsAlive() {
            markBroken("connection closed by the server while idle")
            return false
        }
        return isHealthy
    }

    /// Gets the connection ready for its next user: rolls back a transaction left open. Returns `isHealthy`.
    func resetForReuse() -> Bool {
        guard let pq, !broken, !copyInProgress else { return false }
        transactionDepth = 0
        if pq.transactionStatus == .inTransaction || pq.transactionStatus == .inError {
            logger.warning("connection returned with an open transaction; rolling back")
            do throws(PostgresError) {
                _ = try run { pq throws(PostgresError) in try pq.executeScript("ROLLBACK") }
            } catch {
                return false
            }
        }
        return isHealthy
    }

    // MARK: Statements

    /// Runs one statement with `$1…$n` parameters (`PQexecParams`).
    ///
    /// Parameters are sent in binary format with their explicit type OIDs (`nil` is NULL with no type, so the
    /// server infers it); results come back in binary format. Never build SQL by interpolating values: pass
    /// them here.
    public func query(_ sql: String, _ parameters: [(any PostgresEncodable)?] = []) async throws(PostgresError) -> PostgresRows {
        let encoded = try EncodedParameters(parameters)
        logger.trace("query", metadata: ["pg.sql": "\(sql)", "pg.parameters": "\(parameters.count)"])
        return try run { pq throws(PostgresError) in try pq.execute(sql, parameters: encoded) }
    }

    /// Runs one statement with parameters and returns the number of rows it affected.
    @discardableResult
    public func execute(_ sql: String, _ parameters: [(any PostgresEncodable)?] = []) async throws(PostgresError) -> Int {
        try await query(sql, parameters).affectedRows
    }

    /// Runs a parameterless script of one or more statements (`PQexec`, the simple query protocol), for
    /// migrations and session setup. Statements in one script run in one implicit transaction unless the
    /// script has its own transaction control. Never put values into the text: use ``query(_:_:)``.
    public func simpleQuery(_ sql: String) async throws(PostgresError) {
        logger.trace("simple query", metadata: ["pg.sql": "\(sql.prefix(200))"])
        _ = try run { pq throws(PostgresError) in try pq.executeScript(sql) }
    }

    /// Runs `body` with the live libpq handle; a connection-level error marks the connection unhealthy.
    func run<T>(duringCopy: Bool = false, _ body: (LibPQConnection) throws(PostgresError) -> T) throws(PostgresError) -> T {
        guard let pq else { throw PostgresError(kind: .connection, message: "connection is closed") }
        guard !broken else { throw PostgresError(kind: .connection, message: "connection is broken by an earlier connection error") }
        assert(executor.isCurrent, "libpq must only be called on the connection's dedicated thread")
        guard duringCopy || !copyInProgress else {
            throw PostgresError(kind: .protocol, message: "a COPY is in progress on this connection")
        }
        do {
            return try body(pq)
        } catch {
            if error.kind == .connection || !pq.isConnectionOK {
                markBroken(error.message)
            }
            throw error
        }
    }

    private func markBroken(_ reason: String) {
        if !broken { logger.warning("connection unusable: \(reason)") }
        broken = true
        transactionDepth = 0
        copyInProgress = false
    }

    /// Whether the caller runs on this connection's dedicated thread (for tests).
    func isOnDedicatedThread() -> Bool { executor.isCurrent }
}
