import ShopLookCore
import ShopLookIndex
import ShopLookSearch

/// What a reindex did to one index of one shard.
public struct ReindexReport: Codable, Sendable, Equatable {
    public var shard: Int
    public var superCategory: SuperCategory
    public var modelVersion: String
    public var vectors: Int
    /// Recall@10 against exact search, on a sample of the shard's own vectors, before and after (nil when the
    /// index stays exact: fewer vectors than the training threshold).
    public var recallBefore: Double?
    public var recallAfter: Double?
    public var buildSeconds: Double?
    /// Upserts and removals that arrived during the build and were replayed onto the new index.
    public var replayedChanges: Int?
    public var note: String?

    enum CodingKeys: String, CodingKey {
        case shard, superCategory = "super_category", modelVersion = "model_version", vectors, recallBefore = "recall_before"
        case recallAfter = "recall_after", buildSeconds = "build_seconds", replayedChanges = "replayed_changes", note
    }
}

extension Searcher {
    /// Queries per recall measurement.
    static let recallSample = 200

    /// Retrains the matching indexes of the matching shards this process holds from the vectors in PostgreSQL,
    /// beside the serving ones, replays what arrived meanwhile and swaps; measures recall@10 before and after.
    public func reindex(_ scope: ReindexScope) async throws -> [ReindexReport] {
        var reports: [ReindexReport] = []
        for (held, entry) in owned.all.sorted(by: { $0.key < $1.key }) {
            for key in entry.catalog.indexCounts.keys.sorted() where scope.includes(shard: held, key: key) {
                guard let index = entry.catalog.index(key) else { continue }
                reports.append(try await reindex(index, of: held, key: key))
            }
        }
        return reports
    }

    private func reindex(_ index: CategoryIndex, of shard: Int, key: ShardIndexKey) async throws -> ReindexReport {
        var report = ReindexReport(shard: shard, superCategory: key.superCategory, modelVersion: key.modelVersion, vectors: index.count)
        guard index.count >= configuration.policy.trainingThreshold else {
            report.note = "exact: \(index.count) vectors, below the training threshold \(configuration.policy.trainingThreshold)"
            return report
        }
        let source = self.source, pool = searchPool
        var sample = RecallSample([])
        let rebuilt = try await index.rebuild {
            let rows = try await source.shard(shard, key: key)
            let keyed = rows.compactMap { row in ArticleKey.id(articleID: row.article.articleID).map { (id: $0, vector: row.vector) } }
            // The serving (old) index answers until the rebuild swaps: measure it on the same sample first. The exact
            // ground truth and the measurement run on the search threads, not on the cooperative pool.
            let (measured, before) = try await pool.run { () throws -> (RecallSample, Double?) in
                let sample = RecallSample(keyed, size: Self.recallSample)
                return (sample, try sample.recall(of: index))
            }
            sample = measured
            report.recallBefore = before
            return (keyed.flatMap(\.vector), keyed.map(\.id))
        }
        report.vectors = rebuilt.vectors
        let measured = sample
        report.recallAfter = try await pool.run { () throws -> Double? in try measured.recall(of: index) }
        report.buildSeconds = rebuilt.buildTime.seconds
        report.replayedChanges = rebuilt.replayedChanges
        return report
    }
}
