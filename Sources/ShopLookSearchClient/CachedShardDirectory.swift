import Synchronization

/// A directory that reads its source at most once per `maximumAge` (a search then costs no PostgreSQL round
/// trip). A stale entry is safe: an owner asked for a shard it no longer holds with that generation leaves it
/// out, and ``SearchClient`` then reads ``refreshedLocations()``, which goes to the source and renews the cache.
public final class CachedShardDirectory: ShardDirectoryReading {
    public let source: any ShardDirectoryReading
    public let maximumAge: Duration
    private let cache = Mutex<(locations: [Int: ShardLocation], readAt: ContinuousClock.Instant)?>(nil)

    public init(_ source: any ShardDirectoryReading, maximumAge: Duration = .seconds(1)) {
        self.source = source
        self.maximumAge = maximumAge
    }

    public func locations() async throws -> [Int: ShardLocation] {
        let now = ContinuousClock.now
        if let cached = cache.withLock({ $0 }), now - cached.readAt < maximumAge { return cached.locations }
        return try await refreshedLocations()
    }

    public func refreshedLocations() async throws -> [Int: ShardLocation] {
        let readAt = ContinuousClock.now
        let locations = try await source.refreshedLocations()
        cache.withLock { cached in
            if cached == nil || cached!.readAt < readAt { cached = (locations, readAt) }
        }
        return locations
    }
}
