/// One way in which a JSON instance fails its schema.
public struct SchemaViolation: Sendable, Equatable, CustomStringConvertible {
    /// JSON Pointer (RFC 6901) to the offending value in the instance, e.g.
    /// `/articles/0/score`; `""` is the document root. For a missing required
    /// property or a forbidden extra property it points at that property.
    public let path: String
    /// The schema keyword that failed, e.g. `pattern`, `required`, `const`.
    public let keyword: String
    /// What is wrong, in words, e.g. `"xyz" does not match pattern ^[0-9a-f]{64}$`.
    public let message: String

    /// Creates a violation.
    public init(path: String, keyword: String, message: String) {
        self.path = path
        self.keyword = keyword
        self.message = message
    }

    /// `<path>: <message>`, with `(root)` standing for the empty path. Control characters (a property name of the
    /// instance may hold any) are written as escapes, so the text stays one line.
    public var description: String {
        "\(path.isEmpty ? "(root)" : path.escapingControlCharacters): \(message.escapingControlCharacters)"
    }
}
