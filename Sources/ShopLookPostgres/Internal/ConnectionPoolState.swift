import Logging

/// The bookkeeping of a ``PostgresPool``: idle connections, the count of existing ones, and the FIFO queue
/// of waiters. State is re-checked after every `await`.
actor ConnectionPoolState {
    private let configuration: PostgresConfiguration
    private let maximumConnections: Int
    private let logger: Logger

    private var idle: [PostgresConnection] = []
    /// Connections that exist or are being opened (idle + leased + opening).
    private var total = 0
    private var waiters: [Waiter] = []
    private var nextWaiterID = 0
    private var closed = false

    /// What a waiter is handed: a connection, or permission to open one (a slot already counted in `total`).
    private enum Grant: Sendable {
        case connection(PostgresConnection)
        case slot
    }

    private struct Waiter {
        let id: Int
        let continuation: CheckedContinuation<Grant, any Error>
    }

    init(configuration: PostgresConfiguration, maximumConnections: Int, logger: Logger) {
        self.configuration = configuration
        self.maximumConnections = maximumConnections
        self.logger = logger
    }

    var statistics: (open: Int, idle: Int, waiting: Int) {
        (total, idle.count, waiters.count)
    }

    // MARK: Leasing

    func lease() async throws -> PostgresConnection {
        guard !closed else { throw PostgresError(kind: .connection, message: "the pool is closed") }
        let grant: Grant
        if let connection = idle.popLast() {
            grant = .connection(connection)
        } else if total < maximumConnections {
            total += 1
            grant = .slot
        } else {
            grant = try await waitForGrant()
        }
        switch grant {
        case .connection(let connection):
            if await connection.checkAlive() { return connection }
            logger.warning("replacing unhealthy connection \(connection.id)")
            await connection.close()
            return try await openConnection()  // in the discarded connection's slot
        case .slot:
            return try await openConnection()
        }
    }

    private func waitForGrant() async throws -> Grant {
        let id = nextWaiterID
        nextWaiterID += 1
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Grant, any Error>) in
                if Task.isCancelled {
                    continuation.resume(throwing: CancellationError())
                } else {
                    waiters.append(Waiter(id: id, continuation: continuation))
                }
            }
        } onCancel: {
            // Runs after the waiter was queued (this actor is busy until then) or finds it already served.
            Task { await self.cancelWaiter(id) }
        }
    }

    private func cancelWaiter(_ id: Int) {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return }
        waiters.remove(at: index).continuation.resume(throwing: CancellationError())
    }

    /// Opens a connection with back-off in a slot already counted in `total`; on failure the slot is passed on.
    private func openConnection() async throws -> PostgresConnection {
        let configuration = self.configuration
        let logger = self.logger
        do {
            let connection = try await withBackoff(configuration.backoff, logger: logger, what: "connecting to \(configuration)") { attempt in
                if attempt > 1 { logger.info("reconnect attempt \(attempt)") }
                return try await PostgresConnection.connect(configuration, logger: logger)
            }
            if closed {
                await connection.close()
                throw PostgresError(kind: .connection, message: "the pool was closed")
            }
            return connection
        } catch {
            freeSlot()
            throw error
        }
    }

    // MARK: Returning

    func release(_ connection: PostgresConnection) async {
        let healthy = await connection.resetForReuse()
        if closed || !healthy {
            if !closed { logger.info("dropping unhealthy connection \(connection.id)") }
            await connection.close()
            freeSlot()
            return
        }
        if !waiters.isEmpty {
            waiters.removeFirst().continuation.resume(returning: .connection(connection))
        } else {
            idle.append(connection)
        }
    }

    /// Forgets one connection; the first waiter, if any, inherits its slot and opens a new connection.
    private func freeSlot() {
        if !closed, !waiters.isEmpty {
            waiters.removeFirst().continuation.resume(returning: .slot)
        } else {
            total -= 1
        }
    }

    func close() async {
        guard !closed else { return }
        closed = true
        let waiting = waiters
        waiters.removeAll()
        for waiter in waiting {
            waiter.continuation.resume(throwing: PostgresError(kind: .connection, message: "the pool was closed"))
        }
        let connections = idle
        idle.removeAll()
        total -= connections.count
        for connection in connections { await connection.close() }
    }
}
