import ShopLookSearch
import Synchronization

/// The shards this process holds, and the shards being loaded.
///
/// A loaded shard first catches up: it replays `embedded` up to the end the partition had when it was
/// assigned, unpublished (no generation, so no search reaches it, and `/healthz` counts it as loading); then it
/// is published with a generation and answers.
///
/// Thread safety: every member may be called from any thread (one lock; nothing slow happens under it).
final class OwnedShards: Sendable {
    struct Owned: Sendable {
        let catalog: ShardCatalog
        /// The generation of its published load; nil while it catches up.
        var generation: Int64?
        /// The offset it must have applied up to before it is published.
        let catchUpTo: Int64
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

    /// Holds a loaded shard, unpublished until it has caught up to `catchUpTo`. `changes` counts what a snapshot
    /// would not have (a rebuild from PostgreSQL: 1, so the next snapshot is taken).
    func insert(_ shard: Int, catalog: ShardCatalog, catchUpTo: Int64, changes: Int) {
        state.withLock { state in
            state.owned[shard] = Owned(catalog: catalog, generation: nil, catchUpTo: catchUpTo, changesSinceSnapshot: changes)
        }
    }

    /// The held shards that have caught up and wait to be published.
    func caughtUp() -> [(Int, ShardCatalog)] {
        state.withLock { state in
            state.owned.filter { $0.value.generation == nil && $0.value.catalog.nextOffset >= $0.value.catchUpTo }
                .map { ($0.key, $0.value.catalog) }
        }
    }

    /// Records the generation `catalog` was published with; false when the shard was given up meanwhile (or is
    /// held by another load).
    func published(_ shard: Int, catalog: ShardCatalog, generation: Int64) -> Bool {
        state.withLock { state in
            guard state.owned[shard]?.catalog === catalog else { return false }
            state.owned[shard]?.generation = generation
            state.loading.remove(shard)
            return true
        }
    }

    func remove(_ shard: Int) -> Owned? { state.withLock { $0.owned.removeValue(forKey: shard) } }

    func catalog(_ shard: Int) -> ShardCatalog? { state.withLock { $0.owned[shard]?.catalog } }

    /// Whether `catalog` is still the held catalog of `shard` (not given up, not replaced by a later load).
    func holds(_ shard: Int, _ catalog: ShardCatalog) -> Bool { state.withLock { $0.owned[shard]?.catalog === catalog } }

    /// The shards being loaded (healthy only when none is).
    var loading: Set<Int> { state.withLock { $0.loading } }

    var all: [Int: Owned] { state.withLock { $0.owned } }

    /// The catalogs of the requested shards held with the requested generation.
    func answerable(_ requested: [ShardGeneration]) -> [(ShardGeneration, ShardCatalog)] {
        state.withLock { state in
            requested.compactMap { wanted in
                guard let owned = state.owned[wanted.shard], owned.generation != nil, owned.generation == wanted.generation else { return nil }
                return (wanted, owned.catalog)
            }
        }
    }

    func noteChanges(_ shard: Int, count: Int) {
        state.withLock { $0.owned[shard]?.changesSinceSnapshot += count }
    }

    /// Shards with changes whose last snapshot is at least `age` old.
    func due(olderThan age: Duration) -> [(Int, Owned)] {
        state.withLock { state in
            let now = ContinuousClock.now
            return state.owned.filter { $0.value.changesSinceSnapshot > 0 && now - $0.value.lastSnapshot >= age }.map { ($0.key, $0.value) }
        }
    }

    /// Records a snapshot of `catalog` taken when it had `changes` unsnapshotted changes (later ones stay counted).
    func snapshotted(_ shard: Int, _ catalog: ShardCatalog, changes: Int, at time: ContinuousClock.Instant) {
        state.withLock { state in
            guard var held = state.owned[shard], held.catalog === catalog else { return }
            held.changesSinceSnapshot -= min(changes, held.changesSinceSnapshot)
            held.lastSnapshot = time
            state.owned[shard] = held
        }
    }
}
