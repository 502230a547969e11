/// How to reach a PostgreSQL server.
///
/// Created from a URL — `postgres://user:pass@host:port/db?sslmode=…&application_name=…&options=…`
/// (scheme `postgres` or `postgresql`) — or from a libpq keyword/value string (`host=… port=… dbname=…`).
/// The string is validated here (scheme first, then libpq's own parser, `PQconninfoParse`) and handed to
/// libpq unchanged at connect time; `connectTimeout` is added as `connect_timeout`.
///
/// `description` never shows the password.
public struct PostgresConfiguration: Sendable, CustomStringConvertible {
    /// The connection string as given (may contain a password).
    public let connectionString: String
    /// The keywords libpq parsed from `connectionString`, password excluded (`host`, `port`, `dbname`, `user`,
    /// `sslmode`, `application_name`, `options`, …).
    public let parameters: [String: String]
    /// Upper bound for establishing one connection (libpq `connect_timeout`, whole seconds, at least 2).
    /// Initialised from the string's `connect_timeout` when it has one, else 10 s.
    public var connectTimeout: Duration
    /// Delays between reconnect attempts (pool) and retries (``PostgresPool/retrying(isolation:_:)``).
    public var backoff: Backoff
    /// `application_name` used when the string sets none.
    public var fallbackApplicationName: String = "shoplook"

    /// Parses a URL (`postgres://` or `postgresql://`) or, if the string has no `://`, a keyword/value string.
    public init(_ string: String, connectTimeout: Duration? = nil, backoff: Backoff = Backoff()) throws(PostgresError) {
        if string.contains("://") {
            try self.init(url: string, connectTimeout: connectTimeout, backoff: backoff)
        } else {
            try self.init(keywords: string, connectTimeout: connectTimeout, backoff: backoff)
        }
    }

    /// Parses a `postgres://` or `postgresql://` URL; any other scheme is a `.configuration` error.
    public init(url: String, connectTimeout: Duration? = nil, backoff: Backoff = Backoff()) throws(PostgresError) {
        guard url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") else {
            let scheme = url.split(separator: ":", maxSplits: 1).first.map(String.init) ?? ""
            throw PostgresError(kind: .configuration, message: "unsupported URL scheme \"\(scheme)\"; expected postgres:// or postgresql://")
        }
        try self.init(validated: url, connectTimeout: connectTimeout, backoff: backoff)
    }

    /// Parses a libpq keyword/value string such as `host=127.0.0.1 port=5432 dbname=shoplook`.
    public init(keywords: String, connectTimeout: Duration? = nil, backoff: Backoff = Backoff()) throws(PostgresError) {
        guard !keywords.contains("://") else {
            throw PostgresError(kind: .configuration, message: "expected a keyword/value string, got a URL")
        }
        try self.init(validated: keywords, connectTimeout: connectTimeout, backoff: backoff)
    }

    private init(validated string: String, connectTimeout: Duration?, backoff: Backoff) throws(PostgresError) {
        guard !string.utf8.contains(0) else {
            throw PostgresError(kind: .configuration, message: "connection string contains a NUL character")
        }
        var parsed = try LibPQConninfo.parse(string)
        parsed["password"] = nil
        self.connectionString = string
        self.parameters = parsed
        self.backoff = backoff
        if let connectTimeout {
            self.connectTimeout = connectTimeout
        } else if let seconds = parsed["connect_timeout"].flatMap(Int.init), seconds > 0 {
            self.connectTimeout = .seconds(seconds)
        } else {
            self.connectTimeout = .seconds(10)
        }
    }

    public var host: String? { parameters["host"] ?? parameters["hostaddr"] }
    public var port: Int? { parameters["port"].flatMap(Int.init) }
    public var database: String? { parameters["dbname"] }
    public var user: String? { parameters["user"] }
    public var applicationName: String? { parameters["application_name"] }
    public var sslMode: String? { parameters["sslmode"] }

    /// The parameters passed to `PQconnectdbParams`, in order (later entries win; the `dbname` entry holding
    /// the whole connection string is expanded by libpq).
    var libpqParameters: [(String, String)] {
        let seconds = max(2, Int((connectTimeout.components.seconds)) + (connectTimeout.components.attoseconds > 0 ? 1 : 0))
        return [
            ("fallback_application_name", fallbackApplicationName),
            ("dbname", connectionString),
            ("connect_timeout", String(seconds)),
        ]
    }

    /// `postgres://user@host:port/db?…` without the password.
    public var description: String {
        var text = "postgres://"
        if let user { text += user + "@" }
        text += host ?? ""
        if let port { text += ":" + String(port) }
        text += "/" + (database ?? "")
        let shown = parameters.keys.sorted().filter { !["host", "hostaddr", "port", "dbname", "user"].contains($0) }
        if !shown.isEmpty {
            text += "?" + shown.map { $0 + "=" + (parameters[$0] ?? "") }.joined(separator: "&")
        }
        return text
    }
}
