import Foundation
import Logging
import Metrics
import ShopLookBlobStore
import ShopLookCore
import ShopLookPostgres
import ShopLookSearch
import ShopLookSearchClient
import ShopLookStreaming

/// The query worker's work: for each look message, take the job (``LookJobStore/claim(_:worker:maximumAttempts:)``),
/// analyse the photo in-process (``LookAnalyzer``), search every shard through the searchers (``SearchClient``) and
/// write the answer once (``LookJobStore/finish(_:with:)``).
///
/// Every job ends: `done`; `partial` when a shard did not answer in time or an article has no match (the details say
/// which and why); `failed` with the reason when the photo cannot be searched, its bytes are gone, the deadline
/// passed, or the message could not be processed (dead-lettered). A transient failure (PostgreSQL, the blob store's
/// disk) is retried by the stage runtime; the message stays uncommitted until the job has ended, so a worker killed
/// mid-job leaves it to the next owner of the partition, which takes it again (its attempt counted).
///
/// Products that left the catalog are left out of an answer even when a searcher has not applied the removal yet.
public struct LookJobProcessor: StageProcessor {
    public typealias Input = LookQueryMessage

    let analyzer: LookAnalyzer
    let search: SearchClient
    let jobs: LookJobStore
    let store: any BlobStore
    let pool: PostgresPool
    let worker: String
    let logger: Logger
    /// The most time the searchers get (less when the job's deadline is nearer).
    public var searchDeadline: Duration = .seconds(2)
    /// A job that stopped this many workers (each died holding it) is failed rather than taken again.
    public var maximumAttempts = 3
    /// The least time kept back from the search to write the answer before the deadline (and 10% of what is left).
    static let writeMargin = 0.25
    let metrics = LookMetrics()

    /// - Parameter worker: this process, as operators see it (host, pid and a start id).
    public init(
        analyzer: LookAnalyzer, search: SearchClient, store: any BlobStore, pool: PostgresPool, worker: String,
        logger: Logger = Logger(label: "shoplook.query-worker")
    ) {
        self.analyzer = analyzer
        self.search = search
        self.jobs = LookJobStore(pool: pool)
        self.store = store
        self.pool = pool
        self.worker = worker
        self.logger = logger
    }

    public func process(_ inputs: [StageInput<LookQueryMessage>]) async throws -> [StageOutcome] {
        var outcomes: [StageOutcome] = []
        for input in inputs {
            try await answer(input.message)
            outcomes.append(.finished)
        }
        return outcomes
    }

    /// A message the runtime dead-lettered (it could not be processed): its job fails with the reason.
    public func recordDeadLetter(_ letter: DeadLetter, document: JSONValue?) async throws {
        guard let text = document?["job_id"]?.stringValue, let jobID = UUID(uuidString: text) else { return }
        let answered = try await jobs.finish(
            jobID, with: .failed(reason: "the look could not be processed: \(letter.error)", verdict: nil, details: LookJobDetails()))
        if answered { metrics.ended(.failed) }
    }

    /// Takes the job and, unless it has ended, answers it.
    func answer(_ message: LookQueryMessage) async throws {
        guard let jobID = UUID(uuidString: message.jobID) else { return }
        let clock = ContinuousClock()
        let claimStart = clock.now, claimStartDate = Date()
        let claim = try await jobs.claim(jobID, worker: worker, maximumAttempts: maximumAttempts)
        if case .failed(let reason) = claim {
            logger.info("look \(message.jobID) failed: \(reason)")
            metrics.ended(.failed)
        }
        guard case .run(let attempt, let deadlineAt, let createdAt) = claim else { return }
        var details = LookJobDetails()
        // Submit to the take, then the take: one after the other, so that the stages add up to at most the look's time.
        details.stageMilliseconds["queued"] = max(0, claimStartDate.timeIntervalSince(createdAt) * 1000)
        details.stageMilliseconds["claim"] = (clock.now - claimStart).seconds * 1000
        for stage in ["queued", "claim"] { metrics.stage(stage, seconds: details.stageMilliseconds[stage]! / 1000) }
        if attempt > 1 { logger.info("look \(message.jobID): attempt \(attempt) (a worker stopped holding it)") }

        let fetched = await fetchPhoto(message.blobKey)
        let photo: [UInt8]
        switch fetched {
        case .success(let bytes):
            photo = bytes
        case .failure(let error) where error.isRetriable:
            throw error
        case .failure(let error):
            try await end(jobID, .failed(reason: "the photo is gone from the blob store: \(error)", verdict: nil, details: details), createdAt)
            return
        }
        let analysis: LookAnalysis
        do {
            analysis = try await analyzer.analyze(photo: photo)
        } catch let error as LookInputError {
            try await end(jobID, .failed(reason: error.description, verdict: nil, details: details), createdAt)
            return
        }
        for (stage, seconds) in analysis.stageSeconds {
            details.stageMilliseconds[stage] = seconds * 1000
            metrics.stage(stage, seconds: seconds)
        }
        details.verdictReason = analysis.verdictReason
        details.notInView = analysis.notInView.map { LookJobDetails.ArticleNote(superCategory: $0.superCategory, reason: $0.reason) }

        // The search gets what is left of the deadline but a margin to write the answer in.
        let remaining = deadlineAt.timeIntervalSinceNow
        let searchTime = remaining - max(Self.writeMargin, remaining * 0.1)
        guard searchTime > 0.01 else {
            try await end(jobID, .failed(reason: "deadline passed while the photo was analysed", verdict: analysis.verdict, details: details), createdAt)
            return
        }
        let searchStart = clock.now
        let queries = analysis.articles.map {
            SearchQuery(superCategory: $0.superCategory, modelVersion: analysis.modelVersion, vector: $0.vector)
        }
        // More than k, so that k distinct products still sold remain when a product shows in several photos or has
        // left the catalog since its shard last heard of it.
        let result = try await search.search(
            queries: queries, k: min(1000, message.topK * 2 + 4), deadline: min(searchDeadline, .milliseconds(Int64(searchTime * 1000))))
        let searchSeconds = (clock.now - searchStart).seconds
        details.stageMilliseconds["search"] = searchSeconds * 1000
        metrics.stage("search", seconds: searchSeconds)
        details.missingShards = result.missingShards.map { LookJobDetails.ShardNote(shard: $0.shard, reason: "\($0.reason)") }
        guard !result.answeredShards.isEmpty else {
            let reasons = Set(result.missingShards.map { "\($0.reason)" }).sorted().joined(separator: "; ")
            try await end(jobID, .failed(reason: "no search shard answered (\(reasons))", verdict: analysis.verdict, details: details), createdAt)
            return
        }
        let removed = try await removedProducts(Set(result.hits.joined().compactMap(\.productID)))
        var articles: [AnsweredArticle] = []
        for (article, hits) in zip(analysis.articles, result.hits) {
            var seen: Set<String> = []
            var kept: [SearchHit] = []
            for hit in hits where kept.count < message.topK {
                if let product = hit.productID {
                    if removed.contains(product) {
                        details.removedProductsSkipped += 1
                        continue
                    }
                    // A product's best photo stands for it: one tile per product.
                    guard seen.insert(product).inserted else { continue }
                }
                kept.append(hit)
            }
            let reason: String? = kept.isEmpty
                ? (result.isPartial ? "none in the shards that answered" : "the catalog has no \(article.superCategory.rawValue) wear to match")
                : nil
            articles.append(AnsweredArticle(
                article: article, matches: kept.map { .init(productID: $0.productID, articleID: $0.articleID, score: $0.score) }, reason: reason))
        }
        let writeStart = clock.now
        try await end(jobID, .answered(verdict: analysis.verdict, articles: articles, details: details), createdAt)
        metrics.stage("write", seconds: (clock.now - writeStart).seconds)
    }

    private func fetchPhoto(_ key: String) async -> Result<[UInt8], BlobStoreError> {
        do {
            return .success(try await store.get(try BlobKey(key)))
        } catch {
            return .failure(error)
        }
    }

    private func end(_ jobID: UUID, _ outcome: LookOutcome, _ createdAt: Date) async throws {
        guard try await jobs.finish(jobID, with: outcome) else { return }
        let state: LookJob.State
        switch outcome {
        case .failed(let reason, _, _):
            state = .failed
            logger.info("look \(jobID.uuidString.lowercased()) failed: \(reason)")
        case .answered(_, let articles, let details):
            state = LookJobStore.state(of: articles, details: details).0
        }
        metrics.ended(state, seconds: Date().timeIntervalSince(createdAt))
    }

    /// Which of `products` have left the catalog.
    private func removedProducts(_ products: Set<String>) async throws -> Set<String> {
        guard !products.isEmpty else { return [] }
        return try await pool.retrying { connection in
            Set(try await connection.query(
                "SELECT product_id FROM products WHERE product_id = ANY($1) AND removed_at IS NOT NULL", [Array(products)]
            ).map { try $0.decode(String.self, at: 0) })
        }
    }
}

/// The query worker's counters and histograms (Prometheus in the executable).
struct LookMetrics: Sendable {
    func stage(_ stage: String, seconds: Double) {
        Timer(label: "shoplook_look_stage_seconds", dimensions: [("stage", stage)]).recordNanoseconds(Int64(seconds * 1e9))
    }

    /// A job ended here, `seconds` after it was submitted.
    func ended(_ state: LookJob.State, seconds: Double? = nil) {
        Counter(label: "shoplook_looks_total", dimensions: [("state", state.rawValue)]).increment()
        if let seconds {
            Timer(label: "shoplook_look_seconds", dimensions: [("state", state.rawValue)]).recordNanoseconds(Int64(max(0, seconds) * 1e9))
        }
    }
}
