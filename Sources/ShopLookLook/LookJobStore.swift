import Foundation
import Logging
import ShopLookBlobStore
import ShopLookCore
import ShopLookImaging
import ShopLookKafka
import ShopLookPostgres

/// A look just submitted.
public struct LookSubmission: Sendable, Equatable {
    public var jobID: UUID
    public var imageID: String
    public var deadlineAt: Date

    public init(jobID: UUID, imageID: String, deadlineAt: Date) {
        self.jobID = jobID
        self.imageID = imageID
        self.deadlineAt = deadlineAt
    }
}

/// What a worker may do with a job it was given.
public enum LookClaim: Sendable, Equatable {
    /// Run it: this is the worker's `attempt`-th take (more than 1 after a worker died holding it).
    case run(attempt: Int, deadlineAt: Date, createdAt: Date)
    /// Nothing to do: the job has ended (a replayed message, or another worker answered it).
    case ended(LookJob.State)
    /// This claim ended the job failed, for the reason (its deadline passed, or it stopped too many workers).
    case failed(String)
    /// No such job (deleted): nothing to do.
    case unknown
}

/// How a job ends.
public enum LookOutcome: Sendable {
    /// Answered: the articles with their matches (`partial` when the details name missing shards or an article
    /// has no match).
    case answered(verdict: PoseVerdict, articles: [AnsweredArticle], details: LookJobDetails)
    /// Could not be answered, with why.
    case failed(reason: String, verdict: PoseVerdict?, details: LookJobDetails)
}

/// One article of an answered look.
public struct AnsweredArticle: Sendable {
    public var article: LookArticle
    /// Best first, at most the job's k.
    public var matches: [Match]
    /// Why there is no match (required when `matches` is empty).
    public var reason: String?

    public struct Match: Sendable, Equatable {
        public var productID: String?
        public var articleID: String
        public var score: Float

        public init(productID: String?, articleID: String, score: Float) {
            self.productID = productID
            self.articleID = articleID
            self.score = score
        }
    }

    public init(article: LookArticle, matches: [Match], reason: String?) {
        self.article = article
        self.matches = matches
        self.reason = reason
    }
}

/// The `query_jobs` and `query_results` tables: submitting a look, a worker taking and answering it, the deadline
/// sweep, and reading a look back.
///
/// A job is answered once: ``finish(_:with:)`` locks the row and writes the results and the terminal state in one
/// transaction only while the job is unfinished, so a replayed message, a second worker after a rebalance and the
/// sweeper can never add a second answer or change the first.
public struct LookJobStore: Sendable {
    let pool: PostgresPool

    public init(pool: PostgresPool) {
        self.pool = pool
    }

    /// Takes a job for `worker`: counts the attempt and sets it running. A job past its deadline, or one that has
    /// already stopped `maximumAttempts` workers, is failed here with the reason. The worker that holds the job taking
    /// it again (its batch retried after a transient failure) is the same attempt.
    public func claim(_ jobID: UUID, worker: String, maximumAttempts: Int = 3) async throws -> LookClaim {
        try await pool.retrying { connection in
            try await connection.transaction { connection in
                let rows = try await connection.query(
                    "SELECT state, attempts, deadline_at <= now(), deadline_at, created_at, worker FROM query_jobs WHERE job_id = $1 FOR UPDATE",
                    [jobID])
                guard let row = rows.first else { return .unknown }
                let state = LookJob.State(rawValue: try row.decode(String.self, at: 0)) ?? .failed
                if state.isTerminal { return .ended(state) }
                let attempts = try row.decode(Int.self, at: 1)
                // The same worker again (its batch retried after a transient failure): the same attempt.
                if state == .running, try row.decode(String?.self, at: 5) == worker, attempts > 0, !(try row.decode(Bool.self, at: 2)) {
                    return .run(attempt: attempts, deadlineAt: try row.decode(Date.self, at: 3), createdAt: try row.decode(Date.self, at: 4))
                }
                if try row.decode(Bool.self, at: 2) {
                    let reason = "deadline passed before a worker could answer (\(attempts) attempt(s))"
                    try await Self.end(jobID, state: .failed, reason: reason, on: connection)
                    return .failed(reason)
                }
                if attempts >= maximumAttempts {
                    let reason = "the photo stopped \(attempts) workers before they could answer"
                    try await Self.end(jobID, state: .failed, reason: reason, on: connection)
                    return .failed(reason)
                }
                let updated = try await connection.query(
                    """
                    UPDATE query_jobs SET state = 'running', started_at = COALESCE(started_at, now()), attempts = attempts + 1, worker = $2
                    WHERE job_id = $1 RETURNING attempts
                    """, [jobID, worker])
                return .run(
                    attempt: try updated.first?.decode(Int.self, at: 0) ?? attempts + 1,
                    deadlineAt: try row.decode(Date.self, at: 3), createdAt: try row.decode(Date.self, at: 4))
            }
        }
    }

    /// Ends a job with `outcome` unless it has ended already. Returns whether this call answered it.
    @discardableResult
    public func finish(_ jobID: UUID, with outcome: LookOutcome) async throws -> Bool {
        try await pool.retrying { connection in
            try await connection.transaction { connection in
                let rows = try await connection.query("SELECT state FROM query_jobs WHERE job_id = $1 FOR UPDATE", [jobID])
                guard let row = rows.first, let state = LookJob.State(rawValue: try row.decode(String.self, at: 0)),
                      !state.isTerminal else { return false }
                switch outcome {
                case .failed(let reason, let verdict, let details):
                    try await Self.end(jobID, state: .failed, reason: reason, verdict: verdict, details: details, on: connection)
                case .answered(let verdict, let articles, let details):
                    for answered in articles { try await Self.insert(answered, jobID: jobID, on: connection) }
                    let (state, reason) = Self.state(of: articles, details: details)
                    try await Self.end(jobID, state: state, reason: reason, verdict: verdict, details: details, on: connection)
                }
                return true
            }
        }
    }

    /// Fails every unfinished job more than `grace` past its deadline; returns their ids. The grace lets a worker
    /// that answers right at the deadline write its answer. Rows another transaction holds (a worker claiming or
    /// answering) are skipped, not waited for: a stalled worker's lock never holds up the sweep of the others.
    public func sweepExpired(grace: Duration = .seconds(1)) async throws -> [UUID] {
        try await pool.retrying { connection in
            try await connection.query(
                """
                UPDATE query_jobs SET state = 'failed', finished_at = now(),
                    reason = CASE WHEN state = 'queued' THEN 'deadline passed: no worker took the job'
                                  ELSE 'deadline passed: the worker did not finish (attempt ' || attempts || ')' END
                WHERE job_id IN (
                    SELECT job_id FROM query_jobs
                    WHERE state IN ('queued', 'running') AND deadline_at <= now() - make_interval(secs => $1)
                    FOR UPDATE SKIP LOCKED)
                RETURNING job_id
                """, [grace.seconds]
            ).map { try $0.decode(UUID.self, at: 0) }
        }
    }

    /// `done`, or `partial` with why: shards that did not answer, articles without a match.
    static func state(of articles: [AnsweredArticle], details: LookJobDetails) -> (LookJob.State, String?) {
        var missing: [String] = []
        if !details.missingShards.isEmpty {
            missing.append("shard(s) \(details.missingShards.map { String($0.shard) }.joined(separator: ", ")) did not answer")
        }
        for answered in articles where answered.matches.isEmpty {
            missing.append("no match for the \(answered.article.superCategory.rawValue) wear: \(answered.reason ?? "none found")")
        }
        return missing.isEmpty ? (.done, nil) : (.partial, missing.joined(separator: "; "))
    }

    private static func end(
        _ jobID: UUID, state: LookJob.State, reason: String?, verdict: PoseVerdict? = nil, details: LookJobDetails? = nil,
        on connection: PostgresConnection
    ) async throws {
        let json = try details.map { try PostgresJSON(encoding: $0, encoder: LookJob.encoder()) }
        _ = try await connection.execute(
            """
            UPDATE query_jobs SET state = $2, reason = $3, finished_at = now(), verdict = COALESCE($4, verdict),
                details = COALESCE($5, details)
            WHERE job_id = $1
            """, [jobID, state.rawValue, reason, verdict?.rawValue, json])
    }

    /// The article's rows: rank 1… per match (a product or article deleted meanwhile is written as NULL), or one rank-0
    /// row with the reason.
    private static func insert(_ answered: AnsweredArticle, jobID: UUID, on connection: PostgresConnection) async throws {
        let article = answered.article
        let common: [(any PostgresEncodable)?] = [
            jobID, article.ordinal, article.superCategory.rawValue, article.category, Float(article.box.x0), Float(article.box.y0),
            Float(article.box.x1), Float(article.box.y1), article.cropKey?.rawValue, Float(article.score),
        ]
        let insert = """
            INSERT INTO query_results (job_id, article_ordinal, super_category, category, x0, y0, x1, y1, crop_blob_key, article_score,
                                       rank, product_id, matched_article_id, score, reason)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11,
                    (SELECT product_id FROM products WHERE product_id = $12),
                    (SELECT article_id FROM articles WHERE article_id = $13), $14, $15)
            """
        if answered.matches.isEmpty {
            _ = try await connection.execute(insert, common + [0, nil as String?, nil as String?, nil as Float?, answered.reason ?? "no match found"])
            return
        }
        for (index, match) in answered.matches.enumerated() {
            _ = try await connection.execute(insert, common + [index + 1, match.productID, match.articleID, match.score, nil as String?])
        }
    }

    /// The job once it has ended, or as it stands when `timeout` ran out; `nil` when there is no such job. Reads the
    /// row every `interval` (the answer is a row another process writes).
    public func waitUntilEnded(_ jobID: UUID, timeout: Duration, interval: Duration = .milliseconds(25)) async throws -> LookJob? {
        let end = ContinuousClock.now + timeout
        while true {
            guard let job = try await job(jobID) else { return nil }
            if job.state.isTerminal || ContinuousClock.now >= end { return job }
            try await Task.sleep(for: interval)
        }
    }

    /// The job with its articles and matches; `nil` when there is no such job.
    public func job(_ jobID: UUID) async throws -> LookJob? {
        try await pool.retrying { connection in
            // The job and its results from one snapshot (never `running` with an answer half read).
            try await connection.transaction { connection in
                _ = try await connection.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
                return try await Self.read(jobID, on: connection)
            }
        }
    }

    private static func read(_ jobID: UUID, on connection: PostgresConnection) async throws -> LookJob? {
        let rows = try await connection.query(
            """
            SELECT j.state, j.reason, j.top_k, j.created_at, j.started_at, j.finished_at, j.deadline_at, j.attempts, j.image_id,
                   i.width, i.height, j.verdict, j.details
            FROM query_jobs j LEFT JOIN images i ON i.image_id = j.image_id WHERE j.job_id = $1
            """, [jobID])
        guard let row = rows.first else { return nil }
        let details = try row.decode(PostgresJSON.self, at: 12).decode(LookJobDetails.self, decoder: LookJob.decoder())
        var job = LookJob(
            jobID: jobID, state: LookJob.State(rawValue: try row.decode(String.self, at: 0)) ?? .failed,
            reason: try row.decode(String?.self, at: 1), topK: try row.decode(Int.self, at: 2),
            createdAt: try row.decode(Date.self, at: 3), startedAt: try row.decode(Date?.self, at: 4),
            finishedAt: try row.decode(Date?.self, at: 5), deadlineAt: try row.decode(Date.self, at: 6),
            attempts: try row.decode(Int.self, at: 7), imageID: try row.decode(String?.self, at: 8),
            imageWidth: try row.decode(Int?.self, at: 9), imageHeight: try row.decode(Int?.self, at: 10),
            verdict: try row.decode(String?.self, at: 11).flatMap(PoseVerdict.init(rawValue:)), details: details, articles: [])
        let results = try await connection.query(
            """
            SELECT r.article_ordinal, r.super_category, r.category, r.x0, r.y0, r.x1, r.y1, r.article_score, r.crop_blob_key,
                   r.rank, r.reason, r.product_id, p.title, p.url, r.score, r.matched_article_id, a.category, a.image_id
            FROM query_results r
            LEFT JOIN products p ON p.product_id = r.product_id
            LEFT JOIN articles a ON a.article_id = r.matched_article_id
            WHERE r.job_id = $1 ORDER BY r.article_ordinal, r.rank
            """, [jobID])
        for result in results {
            let ordinal = try result.decode(Int.self, at: 0)
            if job.articles.last?.ordinal != ordinal {
                job.articles.append(LookJobArticle(
                    ordinal: ordinal, superCategory: SuperCategory(rawValue: try result.decode(String.self, at: 1)) ?? .upper,
                    category: try result.decode(String?.self, at: 2),
                    box: [try result.decode(Double.self, at: 3), try result.decode(Double.self, at: 4),
                          try result.decode(Double.self, at: 5), try result.decode(Double.self, at: 6)],
                    score: try result.decode(Double?.self, at: 7), cropKey: try result.decode(String?.self, at: 8),
                    reason: nil, matches: []))
            }
            let rank = try result.decode(Int.self, at: 9)
            if rank == 0 {
                job.articles[job.articles.count - 1].reason = try result.decode(String?.self, at: 10)
                continue
            }
            job.articles[job.articles.count - 1].matches.append(LookMatch(
                rank: rank, productID: try result.decode(String?.self, at: 11), title: try result.decode(String?.self, at: 12),
                url: try result.decode(String?.self, at: 13), score: try result.decode(Double.self, at: 14),
                matchedArticleID: try result.decode(String?.self, at: 15), matchedCategory: try result.decode(String?.self, at: 16),
                matchedImageID: try result.decode(String?.self, at: 17)))
        }
        return job
    }
}
