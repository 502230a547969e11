/// Why a body is not the `multipart/form-data` a route takes.
public struct MultipartError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of problem it is: the routes answer ``Kind/notFormData`` 415 and the others 400.
    public enum Kind: Sendable, Equatable {
        /// The content type is not `multipart/form-data`.
        case notFormData
        /// The content type or the body breaks RFC 7578 / RFC 2046, or a limit.
        case malformed
    }

    public var kind: Kind
    public var reason: String

    public init(_ kind: Kind, _ reason: String) {
        self.kind = kind
        self.reason = reason
    }

    /// A ``Kind/malformed`` error.
    public init(_ reason: String) {
        self.init(.malformed, reason)
    }

    public var description: String { reason }
}
