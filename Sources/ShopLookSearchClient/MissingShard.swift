/// A shard that did not count in a search's answer, and why.
public struct MissingShard: Sendable, Equatable, CustomStringConvertible {
    public var shard: Int
    public var reason: Reason

    public init(shard: Int, reason: Reason) {
        self.shard = shard
        self.reason = reason
    }

    public enum Reason: Sendable, Equatable, CustomStringConvertible {
        /// The directory names no owner (unassigned, loading, or mid-rebalance).
        case noOwner
        /// The request to its owner failed (time-out, refused connection, error status, …).
        case ownerFailed(SearchClientError)
        /// The owner answered for the shard with another generation than the directory's: the answer was dropped.
        case generationMismatch(owner: String, answered: Int64, expected: Int64)
        /// The owner answered without this shard: it no longer holds it (or holds another generation).
        case notHeld(owner: String)
        /// The owner's answer for this shard does not fit the request (another number of query lists).
        case malformedAnswer(owner: String, reason: String)
        /// No outcome was recorded for the owner (never asked, or the search was cancelled).
        case noAnswer(owner: String)

        public var description: String {
            switch self {
            case .noOwner: "no owner"
            case .ownerFailed(.timedOut(let owner, _)): "owner \(owner) timed out"
            case .ownerFailed(let error): "\(error)"
            case .generationMismatch(_, let answered, let expected) where answered < expected:
                "answer from a stale generation \(answered) (directory says \(expected))"
            case .generationMismatch(_, let answered, let expected):
                "answer from generation \(answered), newer than the directory's \(expected)"
            case .notHeld(let owner): "not held by its owner \(owner)"
            case .malformedAnswer(let owner, let reason): "malformed answer from owner \(owner): \(reason)"
            case .noAnswer(let owner): "no answer from owner \(owner)"
            }
        }
    }

    public var description: String { "shard \(shard): \(reason)" }
}
