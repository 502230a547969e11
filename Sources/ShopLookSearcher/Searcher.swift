import Foundation
import Logging
import ServiceLifecycle
import ShopLookCore
import ShopLookKafka
import ShopLookPostgres
import ShopLookSearch
import Synchronization

/// A searcher: a member of the searchers' consumer group on `embedded`, owning the shards (partitions) the
/// group assigns it, and answering searches on them.
///
/// - On assignment the partitions are paused, and their shards load in the background, one at a time
///   (``ShardLoads``; the rebalance is not held up): from the newest snapshot (replaying from the snapshot's
///   offset) or, without one, rebuilt from PostgreSQL (replaying from the high watermark read before
///   PostgreSQL was: every record before it is reflected there). A loaded shard's partition is sought to that
///   offset and resumed; once it has caught up, its row in `searcher_shards` is written with a new
///   generation, and it answers. A partition revoked while its shard loads cancels the load.
/// - Records are applied in partition order: an article's vector (read from PostgreSQL) is upserted, a
///   tombstone (empty value, keyed by article id) removes the article. A record whose vector is no longer live
///   (its product was removed) is skipped.
/// - Shards with changes are snapshotted every `snapshotInterval`, and on revocation before the partition is
///   given up; then the row is deleted (only if it is still this load's generation).
/// - A category that reaches the training threshold trains its IVF-PQ in the background while it answers.
///
/// SIGTERM drains: the consumer leaves the group (each shard is snapshotted and unpublished) and `run` returns.
public final class Searcher: Service, Sendable {
    public let configuration: SearcherConfiguration
    let source: ShardVectorSource
    let ownership: ShardOwnershipTable
    let snapshots: ShardSnapshotStore
    let inspector: KafkaGroupInspector
    let codec: MessageCodec
    let logger: Logger
    let owned = OwnedShards()
    /// The shards loading in the background.
    let loads = ShardLoads()
    let metrics = SearcherMetrics()
    /// Searches run here, off the cooperative pool.
    let searchPool: BlockingCallPool
    /// Snapshot writes and loads, one at a time (two writes of one shard must not interleave).
    let snapshotPool = BlockingCallPool(name: "searcher-snapshots", threadCount: 1)
    private let stopping = Atomic<Bool>(false)

    public init(
        configuration: SearcherConfiguration, pool: PostgresPool, ownership: ShardOwnershipTable, inspector: KafkaGroupInspector,
        codec: MessageCodec, logger: Logger
    ) {
        self.configuration = configuration
        self.source = ShardVectorSource(pool: pool)
        self.ownership = ownership
        self.snapshots = ShardSnapshotStore(root: URL(fileURLWithPath: configuration.snapshotRoot))
        self.inspector = inspector
        self.codec = codec
        self.logger = logger
        self.searchPool = BlockingCallPool(name: "searcher-search", threadCount: max(1, configuration.searchThreads))
    }

    /// Asks the searcher to give its shards up and return (what SIGTERM does through the service group).
    public func stop() { stopping.store(true, ordering: .relaxed) }

    private var isStopping: Bool { stopping.load(ordering: .relaxed) || Task.isCancelled }

    /// The shards being loaded; the searcher is ready when there are none.
    public var loadingShards: Set<Int> { owned.loading }

    /// The shards held and published, with their generations and sizes.
    public var heldShards: [(shard: Int, generation: Int64, vectors: Int)] {
        owned.all.compactMap { shard, held in held.generation.map { (shard, $0, held.catalog.count) } }.sorted { $0.shard < $1.shard }
    }

    /// Set when a shard assigned to this searcher could not be loaded even after retries: the searcher stops (with
    /// an error), so that the group gives its shards to a searcher that can load them.
    let failure = Mutex<(any Error)?>(nil)

    public func run() async throws {
        let handler = KafkaRebalanceHandler(
            onAssign: { [self] partitions in
                self.assign(partitions)
                return [:]
            },
            onRevoke: { [self] partitions, lost in await self.revoke(partitions, lost: lost) },
            assignPaused: true)
        let consumer = try KafkaConsumer(
            configuration: configuration.consumer, topics: [configuration.topic], rebalanceHandler: handler, logger: logger)
        logger.info("searcher consuming \(configuration.topic) as group \(configuration.consumer.groupID) (member \(ownership.member))")
        do {
            try await withGracefulShutdownHandler {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { await self.maintain() }
                    try await self.consume(consumer)
                    group.cancelAll()
                }
            } onGracefulShutdown: {
                self.stop()
            }
        } catch {
            try? await consumer.close()
            await loads.cancelAll()
            await releaseAll(snapshot: false)
            throw error
        }
        try await consumer.close()
        await loads.cancelAll()
        await releaseAll(snapshot: true)
        logger.info("searcher stopped")
    }

    private func consume(_ consumer: KafkaConsumer) async throws {
        while !isStopping {
            await startLoaded(consumer)
            guard let first = try await consumer.poll(timeout: .milliseconds(200)) else {
                if consumer.isClosing { return }
                if let failure = failure.withLock({ $0 }) { throw failure }
                try await publishCaughtUp()
                continue
            }
            var batch = [first]
            let deadline = ContinuousClock.now + configuration.batchLinger
            while batch.count < configuration.maxBatchSize, !isStopping {
                let remaining = deadline - .now
                guard remaining > .zero, let next = try await consumer.poll(timeout: remaining) else { break }
                batch.append(next)
            }
            if let failure = failure.withLock({ $0 }) { throw failure }
            try await apply(batch)
            for message in batch { consumer.markProcessed(message) }
            try await publishCaughtUp()
        }
        if let failure = failure.withLock({ $0 }) { throw failure }
    }

    /// Every `snapshotInterval`, snapshots the shards with changes; every few seconds, refreshes the gauges.
    private func maintain() async {
        let tick = min(configuration.snapshotInterval, .seconds(5))
        while !Task.isCancelled, !isStopping {
            for (shard, held) in owned.due(olderThan: configuration.snapshotInterval) {
                do {
                    let taken = ContinuousClock.now
                    guard try await snapshot(held.catalog, ifHeldAs: shard) else { continue }
                    owned.snapshotted(shard, held.catalog, changes: held.changesSinceSnapshot, at: taken)
                    if let generation = held.generation {
                        try await ownership.updateCount(shard: shard, generation: generation, vectors: held.catalog.count)
                    }
                } catch {
                    logger.error("snapshot of shard \(shard) failed: \(error)")
                }
            }
            await refreshGauges()
            try? await Task.sleep(for: tick)
        }
    }

    private func refreshGauges() async {
        let held = owned.all
        let partitions = held.keys.map { KafkaTopicPartition(topic: configuration.topic, partition: Int32($0)) }
        let marks = partitions.isEmpty ? [:] : ((try? await inspector.watermarks(partitions, timeout: .seconds(2))) ?? [:])
        let now = ContinuousClock.now
        for (shard, entry) in held {
            metrics.vectors(shard).record(entry.catalog.count)
            metrics.snapshotAge(shard).record((now - entry.lastSnapshot).seconds)
            if let high = marks[KafkaTopicPartition(topic: configuration.topic, partition: Int32(shard))]?.high {
                metrics.replayLag(shard).record(max(0, high - entry.catalog.nextOffset))
            }
        }
    }

    /// Snapshots `catalog` on the snapshot thread, only if it is still the held catalog of `shard` when its turn
    /// comes (a shard given up meanwhile belongs to another searcher, whose snapshots this one must not replace).
    /// Returns whether it was written.
    @discardableResult
    func snapshot(_ catalog: ShardCatalog, ifHeldAs shard: Int) async throws -> Bool {
        let store = snapshots, owned = self.owned
        let started = ContinuousClock.now
        guard let manifest = try await snapshotPool.run({ () throws -> ShardSnapshotManifest? in
            owned.holds(shard, catalog) ? try store.save(catalog) : nil
        }) else { return false }
        logger.info("shard \(catalog.shard) snapshotted at offset \(manifest.nextOffset) (\(catalog.count) vectors) in \(ContinuousClock.now - started)")
        return true
    }

    /// Publishes the held shards that have caught up with their partitions.
    func publishCaughtUp() async throws {
        for (shard, catalog) in owned.caughtUp() {
            let generation = try await ownership.publish(shard: shard, vectors: catalog.count)
            if owned.published(shard, catalog: catalog, generation: generation) {
                logger.info("shard \(shard) published: generation \(generation), \(catalog.count) vectors, caught up to offset \(catalog.nextOffset)")
            } else {
                try await ownership.unpublish(shard: shard, generation: generation)
            }
        }
    }

    /// Snapshots (unless `snapshot` is false) and unpublishes every shard still held.
    private func releaseAll(snapshot: Bool) async {
        for shard in owned.all.keys.sorted() { await release(shard, snapshot: snapshot) }
    }

    /// Gives a shard up: a last snapshot (unless the group already moved it), then its row; returns once no
    /// snapshot of it is still being written here.
    func release(_ shard: Int, snapshot takeSnapshot: Bool) async {
        guard let held = owned.catalog(shard).map({ catalog in (catalog, owned.all[shard]?.generation) }) else { return }
        if takeSnapshot {
            do { try await snapshot(held.0, ifHeldAs: shard) } catch { logger.error("snapshot of shard \(shard) on release failed: \(error)") }
        }
        _ = owned.remove(shard)
        // The snapshot thread runs one job at a time, in order: once this no-op has run, nothing of this shard is.
        await snapshotPool.run { () throws(Never) in }
        if let generation = held.1 {
            do {
                try await ownership.unpublish(shard: shard, generation: generation)
            } catch {
                logger.error("could not unpublish shard \(shard) (generation \(generation)): \(error)")
            }
        }
        metrics.forget(shard)
        logger.info("shard \(shard) released (generation \(held.1.map(String.init) ?? "none: not published"))")
    }
}
