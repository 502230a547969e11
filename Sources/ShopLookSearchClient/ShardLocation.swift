/// Where a search shard is served: the `host:port` of its owner's search endpoint and the generation of the
/// owner's load of it (a row of `searcher_shards`).
public struct ShardLocation: Sendable, Hashable, CustomStringConvertible {
    public var owner: String
    public var generation: Int64

    public init(owner: String, generation: Int64) {
        self.owner = owner
        self.generation = generation
    }

    public var description: String { "\(owner) (generation \(generation))" }
}

/// Reads who serves which shard. ``ShardDirectory`` reads `searcher_shards`; tests inject their own.
///
/// A shard without a location has no ready owner (unassigned, loading, or mid-rebalance).
public protocol ShardDirectoryReading: Sendable {
    /// The current locations, by shard (a cache may answer).
    func locations() async throws -> [Int: ShardLocation]
    /// The locations read from the source itself, bypassing any cache (after an answer showed a location stale).
    func refreshedLocations() async throws -> [Int: ShardLocation]
}

extension ShardDirectoryReading {
    public func refreshedLocations() async throws -> [Int: ShardLocation] { try await locations() }
}
