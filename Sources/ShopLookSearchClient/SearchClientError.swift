/// The one error type of ShopLookSearchClient: what went wrong with a search or with one owner's request.
///
/// The transport throws the per-owner cases; ``SearchClient`` turns them into missing shards (a search does not
/// fail because one owner did) and throws only what stops the whole search (the directory, bad arguments).
public enum SearchClientError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The owner did not answer before the request's deadline; the connection was closed.
    case timedOut(owner: String, after: Duration)
    /// No connection could be opened to the owner (refused, unreachable, unknown host).
    case connectionFailed(owner: String, reason: String)
    /// The connection closed (or failed) before the whole answer arrived.
    case connectionClosed(owner: String, reason: String)
    /// The owner answered with another status than 200; `body` is the first bytes of its body.
    case httpStatus(owner: String, status: Int, body: String)
    /// The owner's answer is not a ``SearchResponse`` (or does not fit the request).
    case invalidResponse(owner: String, reason: String)
    /// `host:port` could not be parsed.
    case invalidOwnerAddress(String)
    /// The transport was shut down.
    case shutDown
    /// The shard directory could not be read.
    case directoryUnavailable(reason: String)
    /// The caller asked for something impossible (no queries, k out of range, …).
    case invalidArgument(String)

    /// Whether the same request may succeed later (another owner, a restarted one, more time).
    public var isRetriable: Bool {
        switch self {
        case .timedOut, .connectionFailed, .connectionClosed, .directoryUnavailable: true
        case .httpStatus(_, let status, _): status >= 500
        case .invalidResponse, .invalidOwnerAddress, .shutDown, .invalidArgument: false
        }
    }

    /// The owner the error is about, if any.
    public var owner: String? {
        switch self {
        case .timedOut(let owner, _), .connectionFailed(let owner, _), .connectionClosed(let owner, _),
            .httpStatus(let owner, _, _), .invalidResponse(let owner, _):
            owner
        case .invalidOwnerAddress(let address): address
        case .shutDown, .directoryUnavailable, .invalidArgument: nil
        }
    }

    public var description: String {
        switch self {
        case .timedOut(let owner, let after): "owner \(owner) timed out (no answer within \(after.shortDescription))"
        case .connectionFailed(let owner, let reason): "could not connect to owner \(owner): \(reason)"
        case .connectionClosed(let owner, let reason): "the connection to owner \(owner) closed before its answer: \(reason)"
        case .httpStatus(let owner, let status, let body):
            "owner \(owner) answered HTTP \(status)" + (body.isEmpty ? "" : ": \(body)")
        case .invalidResponse(let owner, let reason): "owner \(owner) sent an invalid answer: \(reason)"
        case .invalidOwnerAddress(let address): "invalid owner address \"\(address.prefix(200))\": expected host:port"
        case .shutDown: "the search transport is shut down"
        case .directoryUnavailable(let reason): "the shard directory could not be read: \(reason)"
        case .invalidArgument(let what): "invalid search: \(what)"
        }
    }
}

extension Duration {
    /// `250 ms`, `1.5 s`: for messages.
    var shortDescription: String {
        let milliseconds = Double(components.seconds) * 1000 + Double(components.attoseconds) / 1e15
        if milliseconds < 1000 { return "\((milliseconds * 10).rounded() / 10) ms" }
        return "\((milliseconds / 10).rounded() / 100) s"
    }
}
