/// Why a byte sequence is not a JSON document (RFC 8259), and where.
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong, e.g. `unterminated string`.
    public let reason: String
    /// Zero-based byte offset of the problem.
    public let offset: Int
    /// One-based line of the problem.
    public let line: Int
    /// One-based column (in bytes) of the problem.
    public let column: Int

    /// A sentence a person can act on.
    public var description: String {
        "\(reason) at line \(line), column \(column) (byte \(offset))"
    }
}
