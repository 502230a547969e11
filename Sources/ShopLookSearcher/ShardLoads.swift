import ShopLookKafka
import ShopLookSearch
import Synchronization

/// The shards being loaded in the background, one at a time in the order they were assigned, and the loaded
/// ones waiting for the consume loop to start their partitions.
///
/// The rebalance callback only queues (``enqueue(_:)``) and returns: a load (minutes for a rebuild of a million
/// vectors) must not keep the member out of the group's next rebalance. The partitions stay paused meanwhile.
/// A loaded shard is not installed here but handed over (``takeLoaded()``) to the consume loop, which installs
/// it, seeks its partition and resumes it between two batches, when no record of the partition fetched before
/// the seek can still be on its way to the shard.
///
/// A revocation cancels the queued and running loads of its partitions and waits for the running one to end
/// (``cancel(_:)``): nothing is installed or published for a shard no longer owned.
///
/// Thread safety: every member may be called from any thread (one lock; nothing slow happens under it).
final class ShardLoads: Sendable {
    /// A shard loaded and not yet started.
    struct Loaded: Sendable {
        let partition: KafkaTopicPartition
        let catalog: ShardCatalog
        /// Where its partition's replay starts (the snapshot's offset, or the high watermark read before a rebuild).
        let start: Int64
        /// The partition's end when the load began: the shard is published once it has replayed up to it.
        let end: Int64
        let origin: String
        let took: Duration
    }

    private struct State {
        var queue: [KafkaTopicPartition] = []
        var current: (partition: KafkaTopicPartition, task: Task<Loaded?, Never>)?
        var worker: Task<Void, Never>?
        var loaded: [Loaded] = []
    }

    private let state = Mutex(State())

    /// Queues loads of `partitions`, after those already queued; returns at once. `load` loads one shard; it
    /// returns nil when the load failed (it reports that itself) or was cancelled.
    func enqueue(_ partitions: [KafkaTopicPartition], load: @escaping @Sendable (KafkaTopicPartition) async -> Loaded?) {
        state.withLock { state in
            state.queue.append(contentsOf: partitions.filter { partition in
                !state.queue.contains(partition) && state.current?.partition != partition
                    && !state.loaded.contains { $0.partition == partition }
            })
            if state.worker == nil, !state.queue.isEmpty {
                state.worker = Task { await self.work(load) }
            }
        }
    }

    /// Loads the queued shards one after another until none is left.
    private func work(_ load: @escaping @Sendable (KafkaTopicPartition) async -> Loaded?) async {
        while true {
            let next = state.withLock { state -> Task<Loaded?, Never>? in
                guard !state.queue.isEmpty else {
                    state.worker = nil
                    return nil
                }
                let partition = state.queue.removeFirst()
                let task = Task { await load(partition) }
                state.current = (partition, task)
                return task
            }
            guard let next else { return }
            let result = await next.value
            state.withLock { state in
                if state.current?.task == next { state.current = nil }
                // A cancelled load belongs to a revoked partition: its result is dropped.
                if let result, !next.isCancelled { state.loaded.append(result) }
            }
        }
    }

    /// The loaded shards, in load order, now handed over to the caller.
    func takeLoaded() -> [Loaded] {
        state.withLock { state in
            defer { state.loaded.removeAll() }
            return state.loaded
        }
    }

    /// Cancels the loads of `partitions` (queued, running or done and not yet taken); returns once the running
    /// one among them has ended.
    func cancel(_ partitions: some Sequence<KafkaTopicPartition>) async {
        let partitions = Set(partitions)
        let running = state.withLock { state -> Task<Loaded?, Never>? in
            state.queue.removeAll { partitions.contains($0) }
            state.loaded.removeAll { partitions.contains($0.partition) }
            guard let current = state.current, partitions.contains(current.partition) else { return nil }
            current.task.cancel()
            return current.task
        }
        _ = await running?.value
    }

    /// Returns once every queued load has ended (those queued meanwhile included).
    func idle() async {
        while let worker = state.withLock({ $0.worker }) { await worker.value }
    }

    /// Cancels every load; returns once none runs.
    func cancelAll() async {
        let (partitions, worker) = state.withLock { state in
            (state.queue + (state.current.map { [$0.partition] } ?? []), state.worker)
        }
        await cancel(partitions)
        _ = await worker?.value
        state.withLock { $0.loaded.removeAll() }
    }
}
