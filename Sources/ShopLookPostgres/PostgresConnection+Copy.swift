extension PostgresConnection {
    /// Bytes accumulated before each `PQputCopyData` call.
    static let copyChunkSize = 256 * 1024

    /// Bulk-loads `rows` with `COPY table (columns…) FROM STDIN (FORMAT binary)` and returns the number of rows
    /// copied.
    ///
    /// Each row holds one value per column, in `columns` order (`nil` = NULL). Rows are encoded in PostgreSQL's
    /// binary COPY format and streamed in chunks of about 256 KiB (`PQputCopyData`), so `rows` may be a lazy
    /// sequence larger than memory. The sequence is iterated and encoded in the caller's isolation (so a lazy
    /// `map` closure formed on an actor runs there); only the chunks travel to the connection's thread.
    /// Table, schema and column names are quoted as identifiers (double quotes, embedded quotes doubled; NUL
    /// rejected), so they are case-sensitive.
    ///
    /// Binary COPY gets no server-side casts, so the column types are looked up first (`SELECT … LIMIT 0`)
    /// and each value is converted losslessly where needed (`Int` into an `int4` column when it fits, `String`
    /// into `varchar` or `jsonb`, …); an impossible conversion aborts the COPY with an `.encoding` error naming
    /// the row and column. COPY is all-or-nothing: on any error no row of this call is stored (within a
    /// surrounding transaction, that transaction is aborted, as for any failed statement). While the COPY
    /// runs, other statements on this connection fail with a `.protocol` error.
    @discardableResult
    public nonisolated(nonsending) func copyIn(
        table: String, schema: String? = nil, columns: [String],
        rows: some Sequence<[(any PostgresEncodable)?]>
    ) async throws(PostgresError) -> Int {
        guard !columns.isEmpty else {
            throw PostgresError(kind: .encoding, message: "copyIn needs at least one column")
        }
        let target = try PostgresIdentifier.qualified(table, schema: schema)
        var quotedColumns: [String] = []
        for column in columns { quotedColumns.append(try PostgresIdentifier.quoted(column)) }
        let columnList = quotedColumns.joined(separator: ", ")

        let types = try await query("SELECT " + columnList + " FROM " + target + " LIMIT 0").columnTypes
        try await beginCopyIn("COPY " + target + " (" + columnList + ") FROM STDIN (FORMAT binary)")

        let chunk = Self.copyChunkSize
        var writer = CopyWriter(columnNames: columns, columnTypes: types, capacity: chunk + chunk / 4)
        do throws(PostgresError) {
            for row in rows {
                try writer.append(row)
                if writer.buffer.count >= chunk {
                    try await putCopyData(writer.buffer)
                    writer.clear()
                }
            }
            writer.appendTrailer()
            try await putCopyData(writer.buffer)
            let copied = try await endCopyIn(failure: nil)
            logger.debug("copied \(copied) rows into \(target)")
            return copied
        } catch {
            // Abort the COPY if it is still open; the server's answer ("COPY from stdin failed", 57014) is
            // dropped in favour of the error that caused it.
            _ = try? await endCopyIn(failure: "client aborted the COPY: " + error.message)
            throw error
        }
    }

    private func beginCopyIn(_ sql: String) throws(PostgresError) {
        try run { pq throws(PostgresError) in try pq.beginCopyIn(sql) }
        copyInProgress = true
    }

    private func putCopyData(_ bytes: [UInt8]) throws(PostgresError) {
        guard copyInProgress else { throw PostgresError(kind: .protocol, message: "no COPY in progress") }
        let outcome: Result<Void, PostgresError> = bytes.withUnsafeBytes { raw in
            do throws(PostgresError) {
                return .success(try run(duringCopy: true) { pq throws(PostgresError) in try pq.putCopyData(raw) })
            } catch {
                return .failure(error)
            }
        }
        if case .failure(let error) = outcome {
            copyInProgress = false  // putCopyData drained the results: copy mode is over
            throw error
        }
    }

    /// Ends the COPY (aborting it with `failure`) and returns the number of rows copied; no-op (0) when no
    /// COPY is open.
    private func endCopyIn(failure: String?) throws(PostgresError) -> Int {
        guard copyInProgress else { return 0 }
        copyInProgress = false
        return try run { pq throws(PostgresError) in try pq.endCopyIn(failure: failure) }.affectedRows
    }
}
