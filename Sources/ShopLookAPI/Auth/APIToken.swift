import ShopLookCore

/// The bearer token that writes need (`--api-token`, `SHOPLOOK_API_TOKEN`).
///
/// Keeps only the token's SHA-256, and compares a candidate by its SHA-256 in constant time (every byte of the
/// two digests is looked at, whatever the first difference; hashing first hides the token's length). Its
/// description, debug description and mirror never show the value, so the token cannot reach a log through it.
public struct APIToken: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    private let digest: [UInt8]

    /// A token, or `nil` for an empty string (no token: writes are open).
    public init?(_ value: String) {
        guard !value.isEmpty else { return nil }
        digest = SHA256.hash(Array(value.utf8))
    }

    /// Whether `candidate` is the token, in time that does not depend on where they differ.
    public func matches(_ candidate: String) -> Bool {
        let other = SHA256.hash(Array(candidate.utf8))
        var difference: UInt8 = 0
        for index in 0..<digest.count { difference |= digest[index] ^ other[index] }
        return difference == 0
    }

    public var description: String { "<redacted>" }
    public var debugDescription: String { "APIToken(<redacted>)" }
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}
