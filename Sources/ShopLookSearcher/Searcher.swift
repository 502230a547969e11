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
/// - On assignment, before any record of the partition is fetched, a shard is loaded from its newest snapshot
///   (replaying from the snapshot's offset) or, without one, rebuilt from PostgreSQL (replaying from the high
///   watermark read before PostgreSQL was: every record before it is reflected there). Then its row in
///   `searcher_shards` is written with a new generation, and it answers.
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

    /// The shards held, with their generations and sizes.
    public var heldShards: [(shard: Int, generation: Int64, vectors: Int)] {
        owned.all.map { ($0.key, $0.value.generation, $0.value.catalog.count) }.sorted { $0.shard < $1.shard }
    }

    public func run() async throws {
        let handler = KafkaRebalanceHandler(
            onAssign: { [self] partitions in await self.assign(partitions) },
            onRevoke: { [self] partitions, lost in await self.revoke(partitions, lost: lost) })
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
            await releaseAll(snapshot: false)
            throw error
        }
        try await consumer.close()
        await releaseAll(snapshot: true)
        logger.info("searcher stopped")
    }

    private func consume(_ consumer: KafkaConsumer) async throws {
        while !isStopping {
            guard let first = try await consumer.poll(timeout: .milliseconds(200)) else {
                if consumer.isClosing { return }
                continue
            }
            var batch = [first]
            let deadline = ContinuousClock.now + configuration.batchLinger
            while batch.count < configuration.maxBatchSize, !isStopping {
                let remaining = deadline - .now
                guard remaining > .zero, let next = try await consumer.poll(timeout: remaining) else { break }
                batch.append(next)
            }
            try await apply(batch)
            for message in batch { consumer.markProcessed(message) }
        }
    }

    /// Every `snapshotInterval`, snapshots the shards with changes; every few seconds, refreshes the gauges.
    private func maintain() async {
        let tick = min(configuration.snapshotInterval, .seconds(5))
        while !Task.isCancelled, !isStopping {
            for (shard, held) in owned.takeDue(olderThan: configuration.snapshotInterval) {
                do {
                    try await snapshot(held.catalog)
                    try await ownership.updateCount(shard: shard, generation: held.generation, vectors: held.catalog.count)
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

    func snapshot(_ catalog: ShardCatalog) async throws {
        let store = snapshots
        let started = ContinuousClock.now
        let manifest = try await snapshotPool.run { try store.save(catalog) }
        logger.info("shard \(catalog.shard) snapshotted at offset \(manifest.nextOffset) (\(catalog.count) vectors) in \(ContinuousClock.now - started)")
    }

    /// Snapshots (unless `snapshot` is false) and unpublishes every shard still held.
    private func releaseAll(snapshot: Bool) async {
        for shard in owned.all.keys.sorted() { await release(shard, snapshot: snapshot) }
    }

    func release(_ shard: Int, snapshot takeSnapshot: Bool) async {
        guard let held = owned.remove(shard) else { return }
        if takeSnapshot {
            do { try await snapshot(held.catalog) } catch { logger.error("snapshot of shard \(shard) on release failed: \(error)") }
        }
        do {
            try await ownership.unpublish(shard: shard, generation: held.generation)
        } catch {
            logger.error("could not unpublish shard \(shard) (generation \(held.generation)): \(error)")
        }
        metrics.forget(shard)
        logger.info("shard \(shard) released (generation \(held.generation))")
    }
}
