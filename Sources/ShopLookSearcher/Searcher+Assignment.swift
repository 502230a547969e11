import Foundation
import ShopLookKafka
import ShopLookSearch

extension Searcher {
    /// Loads the assigned shards and publishes them; returns where each partition's replay starts.
    func assign(_ partitions: [KafkaTopicPartition]) async -> [KafkaTopicPartition: Int64] {
        owned.beginLoading(partitions.map { Int($0.partition) })
        let marks = (try? await inspector.watermarks(partitions)) ?? [:]
        var starts: [KafkaTopicPartition: Int64] = [:]
        for partition in partitions {
            let shard = Int(partition.partition)
            let started = ContinuousClock.now
            do {
                let (catalog, start, origin) = try await load(shard, watermarks: marks[partition])
                let generation = try await ownership.publish(shard: shard, vectors: catalog.count)
                owned.insert(shard, catalog: catalog, generation: generation)
                starts[partition] = start
                logger.info(
                    "shard \(shard) ready: generation \(generation), \(catalog.count) vectors from \(origin) in \(ContinuousClock.now - started), replaying from offset \(start)")
            } catch {
                owned.finishLoading(shard)
                logger.error("shard \(shard) could not be loaded: \(error); it is not served until it is assigned again")
            }
        }
        return starts
    }

    /// Snapshots (unless the group already moved them) and unpublishes the revoked shards.
    func revoke(_ partitions: [KafkaTopicPartition], lost: Bool) async {
        for partition in partitions { await release(Int(partition.partition), snapshot: !lost) }
    }

    /// The shard from its newest snapshot, or rebuilt from PostgreSQL when it has none, or the snapshot is older
    /// than the oldest record the broker still keeps, or past the partition's end (a recreated topic); with the
    /// offset its replay starts from.
    func load(_ shard: Int, watermarks: (low: Int64, high: Int64)?) async throws -> (ShardCatalog, Int64, String) {
        let store = snapshots, policy = configuration.policy
        do {
            if let (catalog, manifest) = try await snapshotPool.run({ try store.load(shard: shard, policy: policy) }) {
                if let low = watermarks?.low, manifest.nextOffset < low {
                    logger.warning("shard \(shard): snapshot at offset \(manifest.nextOffset) is older than the oldest record kept (\(low)); rebuilding from PostgreSQL")
                } else if let high = watermarks?.high, manifest.nextOffset > high {
                    logger.warning("shard \(shard): snapshot at offset \(manifest.nextOffset) is past the partition's end (\(high)): the topic was recreated; rebuilding from PostgreSQL")
                } else {
                    return (catalog, manifest.nextOffset, "snapshot")
                }
            }
        } catch {
            logger.warning("shard \(shard): snapshot unusable (\(error)); rebuilding from PostgreSQL")
        }
        let high: Int64
        if let watermarks {
            high = watermarks.high
        } else {
            let partition = KafkaTopicPartition(topic: configuration.topic, partition: Int32(shard))
            guard let marks = try await inspector.watermarks([partition])[partition] else {
                throw SearcherError.unexpectedRow("no watermarks for \(partition)")
            }
            high = marks.high
        }
        let catalog = try await rebuild(shard)
        catalog.advance(to: high)
        return (catalog, high, "PostgreSQL")
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
