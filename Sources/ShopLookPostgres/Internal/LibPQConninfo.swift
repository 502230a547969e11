import CLibPQ

/// Validates and parses a connection string (URI or keyword/value) with libpq's own parser
/// (`PQconninfoParse`), without connecting.
enum LibPQConninfo {
    /// Returns the keywords the string sets (libpq's canonical names: `host`, `port`, `dbname`, `user`,
    /// `password`, `sslmode`, `application_name`, `options`, `connect_timeout`, …).
    static func parse(_ connectionString: String) throws(PostgresError) -> [String: String] {
        var errorMessage: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(connectionString, &errorMessage) else {
            let message = errorMessage.map { String(cString: $0).trimmingTrailingNewlines } ?? "out of memory"
            if let errorMessage { PQfreemem(errorMessage) }
            // libpq echoes fragments of what it could not parse, passwords included: never pass those on.
            throw PostgresError(
                kind: .configuration,
                message: "invalid connection string: " + ConnectionStringSecrets.redacting(message, of: connectionString))
        }
        defer { PQconninfoFree(options) }
        var parameters: [String: String] = [:]
        var option = options
        while let keyword = option.pointee.keyword {
            if let value = option.pointee.val {
                parameters[String(cString: keyword)] = String(cString: value)
            }
            option += 1
        }
        return parameters
    }

    /// libpq's version number (e.g. 150018).
    static var libraryVersion: Int { Int(PQlibVersion()) }
}
