/// The one error type of the searcher process.
public enum SearcherError: Error, CustomStringConvertible, Sendable {
    /// PostgreSQL returned a row the searcher cannot use.
    case unexpectedRow(String)
    /// A search request the searcher refuses (status 400).
    case badRequest(String)

    public var description: String {
        switch self {
        case .unexpectedRow(let why): "unexpected row from PostgreSQL: \(why)"
        case .badRequest(let why): "bad search request: \(why)"
        }
    }
}
