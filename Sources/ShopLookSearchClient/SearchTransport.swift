import ShopLookSearch

/// Sends one ``SearchRequest`` to one owner and returns its ``SearchResponse``.
///
/// Implementations are safe to call concurrently and throw ``SearchClientError`` (a request that misses
/// `deadline` throws ``SearchClientError/timedOut(owner:after:)`` soon after it). ``HTTPSearchTransport`` is
/// the real one; tests inject others.
public protocol SearchTransport: Sendable {
    /// - Parameters:
    ///   - owner: `host:port` of the owner's search endpoint (as in `searcher_shards.owner`).
    ///   - deadline: when the answer must have arrived.
    func search(_ request: SearchRequest, owner: String, deadline: ContinuousClock.Instant) async throws -> SearchResponse
}
