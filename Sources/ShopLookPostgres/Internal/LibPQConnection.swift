import CLibPQ
import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The transaction status libpq reports for a connection (`PQtransactionStatus`).
enum TransactionStatus: Sendable {
    case idle, active, inTransaction, inError, unknown
}

/// Owns one `PGconn *` and performs every libpq call. This is the only type (with ``LibPQConninfo``) that
/// touches C.
///
/// Not thread-safe and deliberately not `Sendable`: it lives inside ``PostgresConnection``, whose dedicated
/// thread makes every call. All calls block (libpq's blocking API). Results are copied into Swift storage and
/// every `PGresult` is cleared before the call returns.
final class LibPQConnection {
    private var conn: OpaquePointer?
    private let noticeSink: NoticeSink

    private init(conn: OpaquePointer, noticeSink: NoticeSink) {
        self.conn = conn
        self.noticeSink = noticeSink
    }

    deinit { finish() }

    /// Connects (blocking) with `PQconnectdbParams`; entries are applied in order, `dbname` entries that hold
    /// a URI or keyword string are expanded in place.
    static func connect(parameters: [(String, String)], logger: Logger) throws(PostgresError) -> LibPQConnection {
        var keys: [UnsafeMutablePointer<CChar>?] = parameters.map { strdup($0.0) }
        var values: [UnsafeMutablePointer<CChar>?] = parameters.map { strdup($0.1) }
        defer {
            keys.forEach { free($0) }
            values.forEach { free($0) }
        }
        keys.append(nil)
        values.append(nil)
        let keyPointers = keys.map { $0.map { UnsafePointer($0) } }
        let valuePointers = values.map { $0.map { UnsafePointer($0) } }
        guard let conn = PQconnectdbParams(keyPointers, valuePointers, 1) else {
            throw PostgresError(kind: .connection, message: "PQconnectdbParams returned NULL (out of memory)")
        }
        guard PQstatus(conn) == CONNECTION_OK else {
            let message = errorMessage(conn)
            PQfinish(conn)
            let kind: PostgresError.Kind = message.contains("timeout expired") ? .timeout : .connection
            throw PostgresError(kind: kind, message: message.isEmpty ? "connection failed" : message)
        }
        let sink = NoticeSink(logger: logger)
        let connection = LibPQConnection(conn: conn, noticeSink: sink)
        PQsetNoticeReceiver(conn, noticeReceiver, Unmanaged.passUnretained(sink).toOpaque())
        return connection
    }

    // MARK: State

    var isOpen: Bool { conn != nil }

    var isConnectionOK: Bool {
        guard let conn else { return false }
        return PQstatus(conn) == CONNECTION_OK
    }

    var transactionStatus: TransactionStatus {
        guard let conn else { return .unknown }
        switch PQtransactionStatus(conn) {
        case PQTRANS_IDLE: return .idle
        case PQTRANS_ACTIVE: return .active
        case PQTRANS_INTRANS: return .inTransaction
        case PQTRANS_INERROR: return .inError
        default: return .unknown
        }
    }

    var backendPID: Int {
        guard let conn else { return 0 }
        return Int(PQbackendPID(conn))
    }

    var serverVersion: Int {
        guard let conn else { return 0 }
        return Int(PQserverVersion(conn))
    }

    /// Closes the connection (`PQfinish`); idempotent.
    func finish() {
        if let conn {
            PQfinish(conn)
            self.conn = nil
        }
    }

    /// Reads whatever the server sent to this idle connection without blocking, so that a backend that was
    /// terminated (it sends a FATAL error, then closes the socket) is noticed before the connection is reused.
    /// Returns whether the connection is still good.
    func pollIsAlive() -> Bool {
        guard let conn, PQstatus(conn) == CONNECTION_OK else { return false }
        let socket = PQsocket(conn)
        guard socket >= 0 else { return false }
        for _ in 0..<4 {
            var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
            guard poll(&descriptor, 1, 0) > 0 else { break }
            if PQconsumeInput(conn) == 0 { return false }
            _ = PQisBusy(conn)  // parses what was read (notices, a FATAL error from the server)
            if PQstatus(conn) != CONNECTION_OK { return false }
        }
        return PQstatus(conn) == CONNECTION_OK
    }

    // MARK: Statements

    /// One statement with `$n` parameters via `PQexecParams`; parameters and results in binary format.
    func execute(_ sql: String, parameters: EncodedParameters) throws(PostgresError) -> PostgresRows {
        let conn = try liveHandle()
        try checkNoNUL(sql)
        let count = parameters.count
        let result: OpaquePointer? = parameters.bytes.withUnsafeBufferPointer { buffer in
            let base = UnsafeRawPointer(buffer.baseAddress!)
            var values = [UnsafePointer<CChar>?](repeating: nil, count: count)
            for index in 0..<count where parameters.lengths[index] >= 0 {
                values[index] = (base + parameters.offsets[index]).assumingMemoryBound(to: CChar.self)
            }
            let formats = [Int32](repeating: 1, count: count)
            return PQexecParams(conn, sql, Int32(count), parameters.types, values, parameters.lengths, formats, 1)
        }
        return try consume(result)
    }

    /// A parameterless, possibly multi-statement script via `PQexec` (simple query protocol). Results are in
    /// text format; the last statement's result is returned.
    func executeScript(_ sql: String) throws(PostgresError) -> PostgresRows {
        let conn = try liveHandle()
        try checkNoNUL(sql)
        return try consume(PQexec(conn, sql))
    }

    // MARK: COPY FROM STDIN

    /// Sends a `COPY … FROM STDIN` statement and expects the server to enter copy-in mode.
    func beginCopyIn(_ sql: String) throws(PostgresError) {
        let conn = try liveHandle()
        try checkNoNUL(sql)
        guard let result = PQexec(conn, sql) else { throw connectionError() }
        defer { PQclear(result) }
        switch PQresultStatus(result) {
        case PGRES_COPY_IN:
            return
        case PGRES_FATAL_ERROR, PGRES_NONFATAL_ERROR:
            throw serverError(result)
        default:
            let status = statusName(result)
            drainResults()
            throw PostgresError(kind: .protocol, message: "COPY FROM STDIN answered with \(status), expected PGRES_COPY_IN")
        }
    }

    /// Sends one chunk of copy data (`PQputCopyData`, blocking).
    func putCopyData(_ bytes: UnsafeRawBufferPointer) throws(PostgresError) {
        let conn = try liveHandle()
        guard bytes.count > 0 else { return }
        let status = PQputCopyData(conn, bytes.baseAddress!.assumingMemoryBound(to: CChar.self), Int32(bytes.count))
        if status != 1 {
            // The server may have rejected the COPY already (its error is the interesting one).
            let message = Self.errorMessage(conn)
            throw drainResults() ?? connectionOrProtocolError("PQputCopyData failed: " + message)
        }
    }

    /// Ends copy-in mode (`PQputCopyEnd`; with `failure` the server aborts the COPY) and returns the
    /// command's result.
    func endCopyIn(failure: String? = nil) throws(PostgresError) -> PostgresRows {
        let conn = try liveHandle()
        let status: Int32
        if let failure {
            status = PQputCopyEnd(conn, failure)
        } else {
            status = PQputCopyEnd(conn, nil)
        }
        if status != 1 {
            let message = Self.errorMessage(conn)
            throw drainResults() ?? connectionOrProtocolError("PQputCopyEnd failed: " + message)
        }
        var rows: PostgresRows?
        var firstError: PostgresError?
        while let result = PQgetResult(conn) {
            switch PQresultStatus(result) {
            case PGRES_COMMAND_OK:
                rows = makeRows(result)
            case PGRES_FATAL_ERROR, PGRES_NONFATAL_ERROR:
                if firstError == nil { firstError = serverError(result) }
            case PGRES_COPY_IN:
                _ = PQputCopyEnd(conn, "client gave up")
            default:
                if firstError == nil {
                    firstError = PostgresError(kind: .protocol, message: "unexpected \(statusName(result)) after COPY")
                }
            }
            PQclear(result)
        }
        if let firstError { throw firstError }
        if !isConnectionOK { throw connectionError() }
        guard let rows else { throw PostgresError(kind: .protocol, message: "COPY ended without a result") }
        return rows
    }

    // MARK: Results

    private func consume(_ result: OpaquePointer?) throws(PostgresError) -> PostgresRows {
        guard let result else { throw connectionError() }
        defer { PQclear(result) }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
            return makeRows(result)
        case PGRES_FATAL_ERROR, PGRES_NONFATAL_ERROR:
            throw serverError(result)
        case PGRES_COPY_IN, PGRES_COPY_OUT, PGRES_COPY_BOTH:
            let status = statusName(result)
            if let conn, PQresultStatus(result) == PGRES_COPY_IN { _ = PQputCopyEnd(conn, "COPY is not supported here; use copyIn") }
            drainResults()
            throw PostgresError(kind: .protocol, message: "statement started \(status); use copyIn(table:columns:rows:) for COPY FROM STDIN")
        default:
            let status = statusName(result)
            drainResults()
            throw PostgresError(kind: .protocol, message: "unexpected result status \(status)")
        }
    }

    /// Copies a result's cells into Swift-owned storage.
    private func makeRows(_ result: OpaquePointer) -> PostgresRows {
        let rowCount = Int(PQntuples(result))
        let columnCount = Int(PQnfields(result))
        var names: [String] = []
        var types: [PostgresType] = []
        names.reserveCapacity(columnCount)
        types.reserveCapacity(columnCount)
        for column in 0..<columnCount {
            names.append(PQfname(result, Int32(column)).map { String(cString: $0) } ?? "?column?")
            types.append(PostgresType(rawValue: PQftype(result, Int32(column))))
        }
        var total = 0
        for row in 0..<rowCount {
            for column in 0..<columnCount { total += Int(PQgetlength(result, Int32(row), Int32(column))) }
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(total)
        var cells = [Int](repeating: 0, count: 2 * rowCount * columnCount)
        var cell = 0
        for row in 0..<rowCount {
            for column in 0..<columnCount {
                if PQgetisnull(result, Int32(row), Int32(column)) != 0 {
                    cells[cell] = 0
                    cells[cell + 1] = -1
                } else {
                    let length = Int(PQgetlength(result, Int32(row), Int32(column)))
                    cells[cell] = bytes.count
                    cells[cell + 1] = length
                    if length > 0, let value = PQgetvalue(result, Int32(row), Int32(column)) {
                        bytes.append(contentsOf: UnsafeRawBufferPointer(start: value, count: length))
                    }
                }
                cell += 2
            }
        }
        let tag = PQcmdStatus(result).map { String(cString: $0) } ?? ""
        let tuples = PQcmdTuples(result).map { String(cString: $0) } ?? ""
        let storage = columnCount == 0 && rowCount == 0
            ? RowStorage.empty
            : RowStorage(columnNames: names, columnTypes: types, rowCount: rowCount, bytes: bytes, cells: cells)
        return PostgresRows(storage: storage, affectedRows: Int(tuples) ?? 0, commandTag: tag)
    }

    /// Reads every pending result (libpq requires it before the next command) and returns the first error.
    @discardableResult
    private func drainResults() -> PostgresError? {
        guard let conn else { return nil }
        var firstError: PostgresError?
        var guardCount = 0
        while let result = PQgetResult(conn) {
            let status = PQresultStatus(result)
            if status == PGRES_FATAL_ERROR || status == PGRES_NONFATAL_ERROR, firstError == nil {
                firstError = serverError(result)
            }
            if status == PGRES_COPY_IN { _ = PQputCopyEnd(conn, "client aborted the COPY") }
            if status == PGRES_COPY_OUT {
                var buffer: UnsafeMutablePointer<CChar>?
                while PQgetCopyData(conn, &buffer, 0) > 0 { PQfreemem(buffer) }
            }
            PQclear(result)
            guardCount += 1
            if guardCount > 1_000 || PQstatus(conn) != CONNECTION_OK { break }
        }
        return firstError
    }

    // MARK: Errors

    private func serverError(_ result: OpaquePointer) -> PostgresError {
        func field(_ code: UInt8) -> String? {
            PQresultErrorField(result, Int32(code)).map { String(cString: $0) }
        }
        let primary = field(UInt8(ascii: "M"))
        let fallback = PQresultErrorMessage(result).map { String(cString: $0) } ?? "unknown error"
        let lost = !isConnectionOK
        return PostgresError(
            kind: lost ? .connection : .server,
            message: (primary ?? fallback).trimmingTrailingNewlines,
            sqlState: field(UInt8(ascii: "C")),
            detail: field(UInt8(ascii: "D")),
            hint: field(UInt8(ascii: "H")),
            severity: field(UInt8(ascii: "V")) ?? field(UInt8(ascii: "S")),
            constraint: field(UInt8(ascii: "n")),
            schema: field(UInt8(ascii: "s")),
            table: field(UInt8(ascii: "t")),
            column: field(UInt8(ascii: "c"))
        )
    }

    private func connectionError(file: String = #fileID, line: Int = #line) -> PostgresError {
        let message = conn.map { Self.errorMessage($0) } ?? "connection is closed"
        return PostgresError(kind: .connection, message: message.isEmpty ? "connection lost" : message, file: file, line: line)
    }

    private func connectionOrProtocolError(_ message: String) -> PostgresError {
        PostgresError(kind: isConnectionOK ? .protocol : .connection, message: message)
    }

    private func liveHandle() throws(PostgresError) -> OpaquePointer {
        guard let conn else { throw PostgresError(kind: .connection, message: "connection is closed") }
        return conn
    }

    private func checkNoNUL(_ sql: String) throws(PostgresError) {
        if sql.utf8.contains(0) {
            throw PostgresError(kind: .encoding, message: "SQL text contains a NUL character")
        }
    }

    private func statusName(_ result: OpaquePointer) -> String {
        PQresStatus(PQresultStatus(result)).map { String(cString: $0) } ?? "unknown status"
    }

    private static func errorMessage(_ conn: OpaquePointer) -> String {
        PQerrorMessage(conn).map { String(cString: $0).trimmingTrailingNewlines } ?? ""
    }
}

/// Receives server notices (NOTICE, WARNING, and a FATAL error sent to an idle connection) and logs them
/// instead of libpq's default of printing to stderr.
private final class NoticeSink {
    let logger: Logger
    init(logger: Logger) { self.logger = logger }
}

private func noticeReceiver(_ context: UnsafeMutableRawPointer?, _ result: OpaquePointer?) {
    guard let context, let result else { return }
    let sink = Unmanaged<NoticeSink>.fromOpaque(context).takeUnretainedValue()
    let severity = PQresultErrorField(result, Int32(UInt8(ascii: "V"))).map { String(cString: $0) } ?? "NOTICE"
    let message = PQresultErrorMessage(result).map { String(cString: $0).trimmingTrailingNewlines } ?? ""
    switch severity {
    case "WARNING": sink.logger.warning("postgres: \(message)")
    case "FATAL", "PANIC", "ERROR": sink.logger.error("postgres: \(message)")
    default: sink.logger.debug("postgres: \(message)")
    }
}

extension String {
    var trimmingTrailingNewlines: String {
        var text = Substring(self)
        while let last = text.last, last == "\n" || last == " " || last == "\r" { text = text.dropLast() }
        return String(text)
    }
}
