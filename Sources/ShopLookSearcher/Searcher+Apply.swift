import ShopLookCore
import ShopLookKafka
import ShopLookSearch

extension Searcher {
    /// What one `embedded` record asks (an upsert, a tombstone, or an invalid record, logged here).
    func change(in message: KafkaMessage) -> EmbeddedRecord {
        let record = EmbeddedRecord(key: message.key, value: message.value, codec: codec)
        if case .invalid(let reason) = record {
            logger.error("invalid embedded record at \(message.topic)[\(message.partition)]@\(message.offset): \(reason)")
        }
        return record
    }

    /// Applies a batch in partition order: the upserts' vectors are read from PostgreSQL in one query first.
    func apply(_ batch: [KafkaMessage]) async throws {
        let changes = batch.map { change(in: $0) }
        var wanted: [(articleID: String, modelVersion: String)] = []
        for case .upsert(let message) in changes { wanted.append((message.articleID, message.modelVersion)) }
        let rows = try await source.vectors(of: wanted)
        var applied: [Int: Int] = [:]
        for (message, change) in zip(batch, changes) {
            let shard = Int(message.partition)
            // A record the shard already reflects (fetched before the shard was given up and loaded again) is not
            // applied twice: an old upsert after a newer tombstone would bring a removed article back.
            guard let catalog = owned.catalog(shard), message.offset >= catalog.nextOffset else { continue }
            switch change {
            case .upsert(let embedded):
                // Absent: no longer live (its product was removed); the tombstone follows or came first.
                if let row = rows[ArticleVersion(articleID: embedded.articleID, modelVersion: embedded.modelVersion)] {
                    // A record on another shard's partition (a producer that got the partition wrong) would put
                    // the article in two shards: it is invalid here, and its own shard has the vector.
                    guard row.shard == shard else {
                        logger.error(
                            "invalid embedded record at \(message.topic)[\(message.partition)]@\(message.offset): article \(embedded.articleID) is on shard \(row.shard), not \(shard)")
                        metrics.invalid.increment()
                        break
                    }
                    upsert(row, into: catalog)
                }
            case .remove(let articleID):
                catalog.removeArticle(articleID)
            case .invalid:
                metrics.invalid.increment()
            }
            catalog.advance(to: message.offset + 1)
            applied[shard, default: 0] += 1
        }
        for (shard, count) in applied { owned.noteChanges(shard, count: count) }
        metrics.applied.increment(by: batch.count)
    }

    private func upsert(_ row: ShardVectorSource.Row, into catalog: ShardCatalog) {
        do {
            if let wantsTraining = try catalog.upsert(row.article, vector: row.vector) { train(wantsTraining, shard: catalog.shard, key: row.article.indexKey) }
        } catch {
            logger.error("shard \(catalog.shard): article \(row.article.articleID) not added: \(error)")
        }
    }

    /// Trains a category that reached the threshold, in the background (it answers exactly meanwhile).
    func train(_ index: CategoryIndex, shard: Int, key: ShardIndexKey) {
        let logger = self.logger
        Task {
            do {
                guard let report = try await index.trainFromExact() else { return }
                logger.info(
                    "shard \(shard) \(key): trained IVF-PQ (nlist \(report.configuration.nlist), m \(report.configuration.m)) on \(report.vectors) vectors in \(report.buildTime), \(report.replayedChanges) changes replayed")
            } catch SearchError.rebuildInProgress {
                return
            } catch {
                logger.error("shard \(shard) \(key): training failed: \(error)")
            }
        }
    }
}
