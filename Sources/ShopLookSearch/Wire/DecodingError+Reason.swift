import Foundation
import ShopLookCore

extension DecodingError {
    /// The error as a searcher's 400 says it: where (the coding path, `queries.0.vector`), what, and the JSON parser's
    /// own words for a syntax error, on one printable line (control characters and line separators escaped: the text
    /// may quote the body) of at most 300 characters.
    public var reason: String {
        let context: Context
        switch self {
        case .typeMismatch(_, let found), .valueNotFound(_, let found), .keyNotFound(_, let found), .dataCorrupted(let found): context = found
        @unknown default: return "undecodable JSON"
        }
        var text = context.debugDescription
        if case .keyNotFound(let key, _) = self { text = "no member \"\(key.stringValue)\"" }
        if let underlying = context.underlyingError { text += " (\(underlying))" }
        let path = context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
        return ((path.isEmpty ? "" : "at \(path): ") + text).printableLine(limit: 300)
    }
}
