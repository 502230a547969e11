import Foundation
import ShopLookKafka
import ShopLookSearch

extension Searcher {
    /// Loads the assigned shards; returns where each partition's replay starts. A shard is published once its
    /// replay has reached the end its partition had now (``publishCaughtUp()``), so that no answer comes from a
    /// shard that still misses removals or additions. A shard that cannot be loaded after retries stops the
    /// searcher (``failure``), so that the group gives its shards to another searcher.
    func assign(_ partitions: [KafkaTopicPartition]) async -> [KafkaTopicPartition: Int64] {
        owned.beginLoading(partitions.map { Int($0.partition) })
        var starts: [KafkaTopicPartition: Int64] = [:]
        for partition in partitions {
            let shard = Int(partition.partition)
            let started = ContinuousClock.now
            do {
                let (catalog, start, end, origin) = try await withRetries("load shard \(shard)") {
                    let marks = try await self.watermarks(partition)
                    let (catalog, start, origin) = try await self.load(shard, watermarks: marks)
                    return (catalog, start, marks.high, origin)
                }
                owned.insert(shard, catalog: catalog, catchUpTo: end, changes: origin == "snapshot" ? 0 : 1)
                starts[partition] = start
                // An exact index saved while it trained trains again now.
                for key in catalog.indexCounts.keys.sorted() {
                    if let index = catalog.index(key), index.wantsTraining { train(index, shard: shard, key: key) }
                }
                logger.info(
                    "shard \(shard) ready: \(catalog.count) vectors from \(origin) in \(ContinuousClock.now - started), replaying from offset \(start) to \(end)")
            } catch {
                owned.finishLoading(shard)
                logger.critical("shard \(shard) could not be loaded: \(error); the searcher stops so that another one takes it")
                failure.withLock { $0 = $0 ?? error }
                stop()
            }
        }
        return starts
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
            } catch where attempt < 4 {
                logger.warning("\(what) failed (attempt \(attempt)), retrying in \(delay): \(error)")
                try await Task.sleep(for: delay)
                delay *= 2
            }
        }
        fatalError("unreachable")
    }

    /// Snapshots (unless the group already moved them) and unpublishes the revoked shards.
    func revoke(_ partitions: [KafkaTopicPartition], lost: Bool) async {
        for partition in partitions { await release(Int(partition.partition), snapshot: !lost) }
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
