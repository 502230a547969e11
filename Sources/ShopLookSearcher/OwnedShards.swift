import ShopLookSearch
import Synchronization

/// The shards this process holds, each with the generation of its load, and the shards being loaded.
///
/// Thread safety: every member may be called from any thread (one lock; nothing slow happens under it).
final class OwnedShards: Sendable {
    struct Owned: Sendable {
        let catalog: ShardCatalog
        let generation: Int64
        /// Changes applied since the last snapshot.
        var changesSinceSnapshot = 0
        var lastSnapshot = ContinuousClock.now
    }

    private struct State {
        var owned: [Int: Owned] = [:]
        var loading: Set<Int> = []
    }

    private let state = Mutex(State())

    func beginLoading(_ shards: [Int]) { state.withLock { $0.loading.formUnion(shards) } }

    func finishLoading(_ shard: Int) { state.withLock { _ = $0.loading.remove(shard) } }

    func insert(_ shard: Int, catalog: ShardCatalog, generation: Int64) {
        state.withLock { state in
            state.owned[shard] = Owned(catalog: catalog, generation: generation)
            state.loading.remove(shard)
        }
    }

    func remove(_ shard: Int) -> Owned? { state.withLock { $0.owned.removeValue(forKey: shard) } }

    func catalog(_ shard: Int) -> ShardCatalog? { state.withLock { $0.owned[shard]?.catalog } }

    /// The shards being loaded (healthy only when none is).
    var loading: Set<Int> { state.withLock { $0.loading } }

    var all: [Int: Owned] { state.withLock { $0.owned } }

    /// The catalogs of the requested shards held with the requested generation.
    func answerable(_ requested: [ShardGeneration]) -> [(ShardGeneration, ShardCatalog)] {
        state.withLock { state in
            requested.compactMap { wanted in
                guard let owned = state.owned[wanted.shard], owned.generation == wanted.generation else { return nil }
                return (wanted, owned.catalog)
            }
        }
    }

    func noteChanges(_ shard: Int, count: Int) {
        state.withLock { $0.owned[shard]?.changesSinceSnapshot += count }
    }

    /// Shards with changes whose last snapshot is at least `age` old; marked snapshotted now.
    func takeDue(olderThan age: Duration) -> [(Int, Owned)] {
        state.withLock { state in
            let now = ContinuousClock.now
            var due: [(Int, Owned)] = []
            for (shard, owned) in state.owned where owned.changesSinceSnapshot > 0 && now - owned.lastSnapshot >= age {
                due.append((shard, owned))
                state.owned[shard]?.changesSinceSnapshot = 0
                state.owned[shard]?.lastSnapshot = now
            }
            return due
        }
    }
}
