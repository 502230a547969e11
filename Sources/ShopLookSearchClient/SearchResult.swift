/// What a search found: per query (in the request's order) the merged best hits, and which shards counted.
public struct SearchResult: Sendable, Equatable {
    /// `hits[q]`: query `q`'s best hits over the answered shards, best first, at most `k`, each article once.
    public var hits: [[SearchHit]]
    /// Shards whose answer (of the directory's generation) counted, ascending.
    public var answeredShards: [Int]
    /// Shards that did not count, ascending, each with its reason.
    public var missingShards: [MissingShard]

    public init(hits: [[SearchHit]], answeredShards: [Int], missingShards: [MissingShard]) {
        self.hits = hits
        self.answeredShards = answeredShards
        self.missingShards = missingShards
    }

    /// Whether some shard is missing: the hits may lack better ones held there.
    public var isPartial: Bool { !missingShards.isEmpty }
}
