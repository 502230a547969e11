import Dispatch
import ShopLookIndex
import Synchronization

/// The vectors of one shard, super-category and model version, searchable while they change.
///
/// It starts exact (``ExactVectorStore``) and trains an IVF-PQ index (``IndexPolicy``) once it holds
/// `trainingThreshold` vectors. Training, and any later rebuild (a reindex), happen beside the serving
/// index: changes that arrive meanwhile are applied to the serving index and journalled, replayed onto the
/// new one, and the new one is swapped in under the lock. Searches never pause.
///
/// Scores are cosine similarities, exact (re-ranked against the float16 copies once trained), so that
/// the answers of several shards merge by score.
///
/// Thread safety: every method may be called from any thread. Upserts and removals are serialised; an
/// exact search holds the lock (the store is small by construction), a trained one only takes the index
/// reference and searches under the index's own readers-writer lock.
public final class CategoryIndex: Sendable {
    public let dimension: Int
    public let policy: IndexPolicy
    private let state: Mutex<State>

    private enum Serving {
        case exact(ExactVectorStore)
        case trained(IVFPQIndex)
    }

    private enum Change {
        case upsert(Int64, [Float])
        case remove(Int64)
    }

    private struct State {
        var serving: Serving
        /// The changes since a rebuild began (nil when none is running).
        var journal: [Change]?
    }

    public init(dimension: Int, policy: IndexPolicy = IndexPolicy()) {
        self.dimension = dimension
        self.policy = policy
        state = Mutex(State(serving: .exact(ExactVectorStore(dimension: dimension))))
    }

    /// An index serving `index` (a loaded snapshot).
    public init(trained index: IVFPQIndex, policy: IndexPolicy = IndexPolicy()) {
        dimension = index.configuration.dimension
        self.policy = policy
        state = Mutex(State(serving: .trained(index)))
    }

    public var count: Int {
        state.withLock { state in
            switch state.serving {
            case .exact(let store): store.count
            case .trained(let index): index.count
            }
        }
    }

    public var isTrained: Bool {
        state.withLock { if case .trained = $0.serving { true } else { false } }
    }

    /// Whether a rebuild is under way.
    public var isRebuilding: Bool { state.withLock { $0.journal != nil } }

    /// The trained index (for snapshots); nil while exact.
    public var trainedIndex: IVFPQIndex? {
        state.withLock { if case .trained(let index) = $0.serving { index } else { nil } }
    }

    /// What the index serves, read once: the trained index, or the exact vectors and their ids.
    public enum Contents: Sendable {
        case trained(IVFPQIndex)
        case exact(vectors: [Float], ids: [Int64])
    }

    /// The serving contents, from one read (a snapshot must not see half a training swap).
    public var contents: Contents {
        state.withLock { state in
            switch state.serving {
            case .exact(let store): .exact(vectors: store.vectors, ids: store.ids)
            case .trained(let index): .trained(index)
            }
        }
    }

    /// The exact vectors and their ids while exact (for snapshots and the first training).
    func exactContents() -> (vectors: [Float], ids: [Int64])? {
        if case .exact(let vectors, let ids) = contents { return (vectors, ids) }
        return nil
    }

    /// Whether the index is exact and holds enough vectors to train (for example when loaded from a snapshot
    /// taken while it trained).
    public var wantsTraining: Bool {
        state.withLock { state in
            if case .exact(let store) = state.serving { return state.journal == nil && store.count >= policy.trainingThreshold }
            return false
        }
    }

    /// Whether `id` is held.
    public func contains(_ id: Int64) -> Bool {
        state.withLock { state in
            switch state.serving {
            case .exact(let store): store.contains(id)
            case .trained(let index): index.contains(id: id)
            }
        }
    }

    /// Inserts or replaces the vector of `id` (a replay of the same vector changes nothing). Returns whether
    /// the category now wants its first training (it reached the threshold while exact, and no rebuild runs).
    ///
    /// Changes are made by one writer at a time (the searcher applies its records in order). A trained index
    /// takes them outside this object's lock, under its own writer lock, so that searches never wait behind a
    /// writer that waits for the index (a snapshot holds its reader lock while it writes the file).
    @discardableResult
    public func upsert(id: Int64, vector: [Float]) throws -> Bool {
        guard vector.count == dimension else { throw IndexError.dimensionMismatch(expected: dimension, actual: vector.count) }
        return try change(.upsert(id, vector)).wantsTraining
    }

    /// Removes the vectors of `ids` (unknown ids are ignored). Returns how many were held.
    @discardableResult
    public func remove(ids: [Int64]) -> Int {
        ids.filter { (try? change(.remove($0)).held) == true }.count
    }

    /// Journals a change and applies it: to the exact store under the lock, to a trained index outside it (a
    /// rebuild that swaps meanwhile replays the journalled change onto the new index).
    private func change(_ change: Change) throws -> (held: Bool, wantsTraining: Bool) {
        enum Step { case done(held: Bool, wantsTraining: Bool), applyTo(IVFPQIndex) }
        let step: Step = try state.withLock { state in
            state.journal?.append(change)
            switch state.serving {
            case .trained(let index):
                return .applyTo(index)
            case .exact:
                let held = try Self.apply(change, to: &state.serving)
                guard case .exact(let store) = state.serving, state.journal == nil else { return .done(held: held, wantsTraining: false) }
                return .done(held: held, wantsTraining: store.count >= policy.trainingThreshold)
            }
        }
        switch step {
        case .done(let held, let wantsTraining):
            return (held, wantsTraining)
        case .applyTo(let index):
            var serving = Serving.trained(index)
            return (try Self.apply(change, to: &serving), false)
        }
    }

    /// The `k` best hits of `query`, best first.
    public func search(query: [Float], k: Int) throws -> [SearchHit] {
        guard query.count == dimension else { throw IndexError.dimensionMismatch(expected: dimension, actual: query.count) }
        let exactHits: [SearchHit]?, trained: IVFPQIndex?
        (exactHits, trained) = state.withLock { state in
            switch state.serving {
            case .exact(let store): (store.search(query, k: k)[0], nil)
            case .trained(let index): (nil, index)
            }
        }
        if let exactHits { return exactHits }
        return try trained?.search(query: query, k: k, parameters: policy.searchParameters) ?? []
    }

    /// Builds a new IVF-PQ index from `source`'s vectors beside the serving one, replays the changes that
    /// arrived since the rebuild began, and swaps it in. `source` is read after the journal starts, so a
    /// change it misses is replayed (upserts are idempotent). Training runs on a dispatch thread, not on the
    /// cooperative pool.
    public func rebuild(from source: () async throws -> (vectors: [Float], ids: [Int64])) async throws -> RebuildReport {
        try state.withLock { state in
            guard state.journal == nil else { throw SearchError.rebuildInProgress }
            state.journal = []
        }
        do {
            let (vectors, ids) = try await source()
            let started = ContinuousClock.now
            let configuration = policy.configuration(dimension: dimension, count: ids.count)
            let index = try await Self.build(configuration, vectors: vectors, ids: ids)
            let built = ContinuousClock.now - started
            let replayed = try state.withLock { state in
                let journal = state.journal ?? []
                var serving = Serving.trained(index)
                for change in journal { try Self.apply(change, to: &serving) }
                state.serving = serving
                state.journal = nil
                return journal.count
            }
            return RebuildReport(vectors: ids.count, configuration: configuration, buildTime: built, replayedChanges: replayed)
        } catch {
            state.withLock { $0.journal = nil }
            throw error
        }
    }

    /// Trains the index once, exact until now: the first training, from the exact vectors.
    public func trainFromExact() async throws -> RebuildReport? {
        guard !isTrained else { return nil }
        return try await rebuild {
            guard let contents = self.exactContents() else { throw SearchError.alreadyTrained }
            return contents
        }
    }

    private static func build(_ configuration: IVFPQIndex.Configuration, vectors: [Float], ids: [Int64]) async throws -> IVFPQIndex {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global(qos: .utility).async {
                continuation.resume(with: Result {
                    let index = try IVFPQIndex(configuration)
                    try index.train(vectors)
                    if !ids.isEmpty { try index.add(vectors, ids: ids) }
                    return index
                })
            }
        }
    }

    /// Applies one change; for a removal, returns whether the id was held.
    @discardableResult
    private static func apply(_ change: Change, to serving: inout Serving) throws -> Bool {
        switch (change, serving) {
        case (.upsert(let id, let vector), .exact(var store)):
            serving = .exact(ExactVectorStore(dimension: store.dimension))  // keep the store uniquely referenced
            store.upsert(id: id, vector: vector)
            serving = .exact(store)
            return true
        case (.remove(let id), .exact(var store)):
            serving = .exact(ExactVectorStore(dimension: store.dimension))
            let removed = store.remove(id)
            serving = .exact(store)
            return removed
        case (.upsert(let id, let vector), .trained(let index)):
            if index.contains(id: id) { index.remove(ids: [id]) }
            try index.add(vector, ids: [id])
            return true
        case (.remove(let id), .trained(let index)):
            return index.remove(ids: [id]) > 0
        }
    }
}

/// What a rebuild did.
public struct RebuildReport: Sendable {
    public var vectors: Int
    public var configuration: IVFPQIndex.Configuration
    public var buildTime: Duration
    /// Upserts and removals that arrived during the build, replayed onto the new index.
    public var replayedChanges: Int
}
