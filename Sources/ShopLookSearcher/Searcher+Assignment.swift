import Foundation
import ShopLookKafka
import ShopLookSearch

extension Searcher {
    /// Queues the loads of the assigned shards and returns at once (the rebalance callback must not wait for
    /// them: see ``ShardLoads``). Their partitions are paused until ``startLoaded(_:)`` starts them.
    func assign(_ partitions: [KafkaTopicPartition]) {
        owned.beginLoading(partitions.map { Int($0.partition) })
        loads.enqueue(partitions) { [self] partition in await self.loadShard(partition) }
    }

    /// Loads one shard (in the background; ``ShardLoads`` runs one at a time). A shard that cannot be loaded
    /// after retries stops the searcher (``failure``), so that the group gives its shards to another searcher.
    /// Returns nil then, and when the load was cancelled (its partition revoked).
    func loadShard(_ partition: KafkaTopicPartition) async -> ShardLoads.Loaded? {
        let shard = Int(partition.partition)
        let started = ContinuousClock.now
        do {
            if configuration.shardLoadDelay > .zero { try await Task.sleep(for: configuration.shardLoadDelay) }
            let (catalog, start, end, origin) = try await withRetries("load shard \(shard)") {
                let marks = try await self.watermarks(partition)
                let (catalog, start, origin) = try await self.load(shard, watermarks: marks)
                return (catalog, start, marks.high, origin)
            }
            try Task.checkCancellation()
            return ShardLoads.Loaded(
                partition: partition, catalog: catalog, start: start, end: end, origin: origin, took: ContinuousClock.now - started)
        } catch where Task.isCancelled {
            logger.info("load of shard \(shard) cancelled: its partition was revoked")
            return nil
        } catch {
            owned.finishLoading(shard)
            logger.critical("shard \(shard) could not be loaded: \(error); the searcher stops so that another one takes it")
            failure.withLock { $0 = $0 ?? error }
            stop()
            return nil
        }
    }

    /// Installs the shards loaded since the last call and starts their partitions: each is sought to the offset
    /// its replay starts from, then resumed. Called by the consume loop between batches only (and the rebalance
    /// callbacks run inside its polls), so no record of such a partition fetched before the seek (delivered
    /// before the pause took effect: skipped, its shard was not held) is applied after it, and no revocation
    /// runs meanwhile. A shard is published once its replay has reached the end its partition had when the
    /// load began (``publishCaughtUp()``), so that no answer comes from a shard that still misses removals or
    /// additions.
    func startLoaded(_ consumer: KafkaConsumer) async {
        for loaded in loads.takeLoaded() {
            let shard = Int(loaded.partition.partition), catalog = loaded.catalog
            owned.insert(shard, catalog: catalog, catchUpTo: loaded.end, changes: loaded.origin == "snapshot" ? 0 : 1)
            do {
                try await consumer.seek(loaded.partition, to: loaded.start)
                try consumer.resume([loaded.partition])
            } catch {
                _ = owned.remove(shard)
                owned.finishLoading(shard)
                logger.critical("shard \(shard) loaded but its partition could not be started: \(error); the searcher stops so that another one takes it")
                failure.withLock { $0 = $0 ?? error }
                stop()
                return
            }
            // An exact index saved while it trained trains again now.
            for key in catalog.indexCounts.keys.sorted() {
                if let index = catalog.index(key), index.wantsTraining { train(index, shard: shard, key: key) }
            }
            logger.info(
                "shard \(shard) ready: \(catalog.count) vectors from \(loaded.origin) in \(loaded.took), replaying from offset \(loaded.start) to \(loaded.end)")
        }
    }

    /// The partition's watermarks, asked of its leader alone (retried: a leader may be moving).
    func watermarks(_ partition: KafkaTopicPartition) async throws -> (low: Int64, high: Int64) {
        guard let marks = try await inspector.watermarks([partition])[partition] else {
            throw SearcherError.unexpectedRow("no watermarks for \(partition)")
        }
        return marks
    }

    /// Runs `body` up to four times, waiting 1, 2 and 4 s between attempts.
    func withRetries<T: Sendable>(_ what: String, _ body: () async throws -> T) async throws -> T {
        var delay: Duration = .seconds(1)
        for attempt in 1... {
            do {
                return try await body()
            } catch where attempt < 4 && !Task.isCancelled {
                logger.warning("\(what) failed (attempt \(attempt)), retrying in \(delay): \(error)")
                try await Task.sleep(for: delay)
                delay *= 2
            }
        }
        fatalError("unreachable")
    }

    /// Cancels the revoked shards' loads (waiting for a running one to end), then snapshots (unless the group
    /// already moved them) and unpublishes the revoked shards.
    func revoke(_ partitions: [KafkaTopicPartition], lost: Bool) async {
        let loading = owned.loading
        await loads.cancel(partitions)
        for partition in partitions {
            let shard = Int(partition.partition)
            if loading.contains(shard), owned.catalog(shard) == nil {
                logger.info("shard \(shard) \(lost ? "lost" : "revoked") while loading: its load is cancelled")
            }
            owned.finishLoading(shard)
            await release(shard, snapshot: !lost)
        }
    }

    /// The shard from its newest snapshot, or rebuilt from PostgreSQL when it has none, or the snapshot is older
    /// than the oldest record the broker still keeps, or past the partition's end (a recreated topic); with the
    /// offset its replay starts from.
    func load(_ shard: Int, watermarks: (low: Int64, high: Int64)) async throws -> (ShardCatalog, Int64, String) {
        let store = snapshots, policy = configuration.policy
        do {
            if let (catalog, manifest) = try await snapshotPool.run({ try store.load(shard: shard, policy: policy) }) {
                if manifest.nextOffset < watermarks.low {
                    logger.warning("shard \(shard): snapshot at offset \(manifest.nextOffset) is older than the oldest record kept (\(watermarks.low)); rebuilding from PostgreSQL")
                } else if manifest.nextOffset > watermarks.high {
                    logger.warning("shard \(shard): snapshot at offset \(manifest.nextOffset) is past the partition's end (\(watermarks.high)): the topic was recreated; rebuilding from PostgreSQL")
                } else {
                    return (catalog, manifest.nextOffset, "snapshot")
                }
            }
        } catch {
            logger.warning("shard \(shard): snapshot unusable (\(error)); rebuilding from PostgreSQL")
        }
        let catalog = try await rebuild(shard)
        catalog.advance(to: watermarks.high)
        return (catalog, watermarks.high, "PostgreSQL")
    }

    /// A shard's catalog from the live vectors in PostgreSQL: an index that reaches the training threshold is
    /// built as IVF-PQ at once, a smaller one stays exact.
    func rebuild(_ shard: Int) async throws -> ShardCatalog {
        let rows = try await source.shard(shard)
        let catalog = ShardCatalog(shard: shard, policy: configuration.policy)
        for (key, group) in Dictionary(grouping: rows, by: \.article.indexKey).sorted(by: { $0.key < $1.key }) {
            // A revoked shard's load ends at the next category (one category's training is not interrupted).
            try Task.checkCancellation()
            if group.count >= configuration.policy.trainingThreshold, let dimension = group.first?.vector.count {
                let keyed = group.compactMap { row in ArticleKey.id(articleID: row.article.articleID).map { ($0, row) } }
                let index = CategoryIndex(dimension: dimension, policy: configuration.policy)
                _ = try await index.rebuild { (keyed.flatMap(\.1.vector), keyed.map(\.0)) }
                catalog.install(key, index: index, articles: keyed.map { ($0.0, $0.1.article) })
            } else {
                for row in group {
                    do { try catalog.upsert(row.article, vector: row.vector) } catch { logger.error("shard \(shard): \(error)") }
                }
            }
        }
        return catalog
    }
}
