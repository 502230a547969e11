extension PostgresConnection {
    /// Runs `body` in a transaction: `BEGIN`, then `COMMIT` when `body` returns, `ROLLBACK` when it throws
    /// (the error is rethrown unchanged). `body` runs in the caller's isolation.
    ///
    /// Nesting uses savepoints: a `transaction` inside another (on the same connection) runs
    /// `SAVEPOINT shoplook_savepoint` … `RELEASE SAVEPOINT` (or `ROLLBACK TO SAVEPOINT` on error), so an inner
    /// failure undoes only the inner work and the outer body may catch it and continue.
    ///
    /// If `body` swallowed a statement error, the transaction is already aborted; instead of committing
    /// (which PostgreSQL would silently turn into a rollback) the work is rolled back and an error with
    /// SQLSTATE 25P02 (in_failed_sql_transaction) is thrown. A `COMMIT` that fails (serialization failure,
    /// deferred constraint) throws its error; nothing was committed.
    ///
    /// `body` should use only the connection it is given, from one task at a time.
    @discardableResult
    public nonisolated(nonsending) func transaction<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        let nested = try await beginTransaction()
        let result: T
        do {
            result = try await body(self)
        } catch {
            await rollbackTransaction(nested: nested)
            throw error
        }
        try await commitTransaction(nested: nested)
        return result
    }

    /// `BEGIN`, or a savepoint inside an open transaction; returns whether it was a savepoint.
    private func beginTransaction() throws(PostgresError) -> Bool {
        let nested = transactionDepth > 0 || isInTransaction
        _ = try run { pq throws(PostgresError) in try pq.executeScript(nested ? "SAVEPOINT shoplook_savepoint" : "BEGIN") }
        transactionDepth += 1
        return nested
    }

    private func commitTransaction(nested: Bool) throws(PostgresError) {
        transactionDepth = max(0, transactionDepth - 1)
        let aborted = try run { pq throws(PostgresError) in pq.transactionStatus == .inError }
        if aborted {
            rollback(nested: nested)
            throw PostgresError(
                kind: .server,
                message: "the transaction was aborted by an earlier statement error that the body caught; rolled back",
                sqlState: "25P02"
            )
        }
        let rows = try run { pq throws(PostgresError) in try pq.executeScript(nested ? "RELEASE SAVEPOINT shoplook_savepoint" : "COMMIT") }
        if !nested, rows.commandTag == "ROLLBACK" {
            throw PostgresError(kind: .server, message: "COMMIT was turned into ROLLBACK by the server", sqlState: "25P02")
        }
    }

    private func rollbackTransaction(nested: Bool) {
        transactionDepth = max(0, transactionDepth - 1)
        rollback(nested: nested)
    }

    /// Best effort: a failure here (typically a lost connection) is logged, never thrown over the body's error.
    private func rollback(nested: Bool) {
        do throws(PostgresError) {
            _ = try run { pq throws(PostgresError) in
                try pq.executeScript(
                    nested ? "ROLLBACK TO SAVEPOINT shoplook_savepoint; RELEASE SAVEPOINT shoplook_savepoint" : "ROLLBACK"
                )
            }
        } catch {
            logger.warning("rollback failed: \(error)")
        }
    }
}
