/// The one error type of ShopLookPostgres.
///
/// `kind` says where the error arose; server errors carry the fields of the server's ErrorResponse
/// (`sqlState`, `detail`, `hint`, `constraint`, …). `isRetriable` tells callers (the pool's ``PostgresPool/retrying(isolation:_:)``,
/// the pipeline's dead-letter decision) whether running the same idempotent work again may succeed.
public struct PostgresError: Error, Sendable, CustomStringConvertible {
    /// Where an error arose.
    public enum Kind: String, Sendable, Hashable {
        /// The connection could not be established or was lost (the connection is unusable afterwards).
        case connection
        /// The server answered a statement with an error (`sqlState` says which).
        case server
        /// The server or libpq answered something this client did not expect (e.g. an unexpected result status).
        case `protocol`
        /// A result value could not be decoded into the requested Swift type (NULL into non-optional, type mismatch).
        case decoding
        /// A value or identifier could not be encoded for the request (nothing was sent, or a COPY was aborted).
        case encoding
        /// The connection string or another setting is invalid.
        case configuration
        /// A deadline passed (connect timeout).
        case timeout
    }

    public var kind: Kind
    /// The five-character SQLSTATE code (`PG_DIAG_SQLSTATE`), for server errors.
    public var sqlState: String?
    /// The primary message.
    public var message: String
    /// The server's DETAIL line, if any.
    public var detail: String?
    /// The server's HINT line, if any.
    public var hint: String?
    /// The server's severity (`ERROR`, `FATAL`, `PANIC`), non-localised.
    public var severity: String?
    /// The constraint whose violation caused the error (`PG_DIAG_CONSTRAINT_NAME`).
    public var constraint: String?
    /// Schema, table and column the error is about, where the server names them.
    public var schema: String?
    public var table: String?
    public var column: String?
    /// Source location in this module (or the caller) where the error was created.
    public var file: String
    public var line: Int

    public init(
        kind: Kind, message: String, sqlState: String? = nil, detail: String? = nil, hint: String? = nil,
        severity: String? = nil, constraint: String? = nil, schema: String? = nil, table: String? = nil,
        column: String? = nil, file: String = #fileID, line: Int = #line
    ) {
        self.kind = kind
        self.message = message
        self.sqlState = sqlState
        self.detail = detail
        self.hint = hint
        self.severity = severity
        self.constraint = constraint
        self.schema = schema
        self.table = table
        self.column = column
        self.file = file
        self.line = line
    }

    /// Whether the same (idempotent) work may succeed if run again, possibly on a new connection:
    /// connection errors and timeouts, SQLSTATE class 08 (connection exception), 40001 serialization_failure,
    /// 40P01 deadlock_detected, 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now and
    /// 53300 too_many_connections. Constraint violations, syntax errors, decoding errors and the like are not.
    public var isRetriable: Bool {
        switch kind {
        case .connection, .timeout:
            return true
        case .server:
            guard let sqlState else { return false }
            if sqlState.hasPrefix("08") { return true }
            return Self.retriableStates.contains(sqlState)
        case .protocol, .decoding, .encoding, .configuration:
            return false
        }
    }

    private static let retriableStates: Set<String> = ["40001", "40P01", "57P01", "57P02", "57P03", "53300"]

    /// The condition name of `sqlState` (`unique_violation` for 23505), for the common codes.
    public var conditionName: String? {
        sqlState.flatMap { SQLStateNames.name(for: $0) }
    }

    /// For example `ERROR 23505 (unique_violation): duplicate key value violates unique constraint "t_pkey";
    /// detail: Key (id)=(1) already exists.; constraint: t_pkey [at ShopLookPostgres/PostgresConnection.swift:80]`.
    public var description: String {
        var text: String
        switch kind {
        case .server:
            text = severity ?? "ERROR"
            if let sqlState {
                text += " " + sqlState
                if let name = conditionName { text += " (" + name + ")" }
            }
        default:
            text = kind.rawValue + " error"
            if let sqlState { text += " " + sqlState }
        }
        text += ": " + message
        if let detail { text += "; detail: " + detail }
        if let hint { text += "; hint: " + hint }
        if let constraint { text += "; constraint: " + constraint }
        if let column, kind == .server { text += "; column: " + column }
        text += " [at " + file + ":" + String(line) + "]"
        return text
    }
}
