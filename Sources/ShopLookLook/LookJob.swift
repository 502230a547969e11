import Foundation
import ShopLookCore

/// A look as the shopper and the API see it: the job's state and, once it ended, per article of the photo its box,
/// crop and best products. Encodes to the API's and `shoplook look --json`'s JSON (snake_case keys, RFC 3339 dates).
public struct LookJob: Sendable, Equatable, Codable {
    public enum State: String, Sendable, Codable, CaseIterable {
        case queued, running, done, partial, failed

        /// Whether the job has ended (it will not change again).
        public var isTerminal: Bool { self == .done || self == .partial || self == .failed }
    }

    public var jobID: UUID
    public var state: State
    /// Why a job is `partial` or `failed`.
    public var reason: String?
    /// Products wanted per article.
    public var topK: Int
    public var createdAt: Date
    public var startedAt: Date?
    public var finishedAt: Date?
    /// When the job must have ended.
    public var deadlineAt: Date
    /// How many times a worker took the job.
    public var attempts: Int
    /// The photo (`nil` once deleted).
    public var imageID: String?
    public var imageWidth: Int?
    public var imageHeight: Int?
    /// The pose verdict of the photo (`no_person` for a product photo), once analysed.
    public var verdict: PoseVerdict?
    public var details: LookJobDetails
    /// The articles found, in the order upper, lower, foot (empty until the job ends, and for a failed job).
    public var articles: [LookJobArticle]

    public init(
        jobID: UUID, state: State, reason: String?, topK: Int, createdAt: Date, startedAt: Date?, finishedAt: Date?, deadlineAt: Date,
        attempts: Int, imageID: String?, imageWidth: Int?, imageHeight: Int?, verdict: PoseVerdict?, details: LookJobDetails,
        articles: [LookJobArticle]
    ) {
        self.jobID = jobID
        self.state = state
        self.reason = reason
        self.topK = topK
        self.createdAt = createdAt
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.deadlineAt = deadlineAt
        self.attempts = attempts
        self.imageID = imageID
        self.imageWidth = imageWidth
        self.imageHeight = imageHeight
        self.verdict = verdict
        self.details = details
        self.articles = articles
    }

    /// Milliseconds from submission to the end (`nil` while unfinished).
    public var elapsedMilliseconds: Double? { finishedAt.map { $0.timeIntervalSince(createdAt) * 1000 } }

    enum CodingKeys: String, CodingKey {
        case jobID = "job_id", state, reason, topK = "top_k", createdAt = "created_at", startedAt = "started_at"
        case finishedAt = "finished_at", deadlineAt = "deadline_at", attempts, imageID = "image_id"
        case imageWidth = "image_width", imageHeight = "image_height", verdict, details, articles
    }

    /// The encoder for the job's JSON (sorted keys, RFC 3339 dates with milliseconds, lowercase job id).
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(RFC3339.string(from: date))
        }
        return encoder
    }

    /// The decoder matching ``encoder()``.
    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = RFC3339.date(from: text) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "not an RFC 3339 date: \(text)")
            }
            return date
        }
        return decoder
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(jobID.uuidString.lowercased(), forKey: .jobID)
        try container.encode(state, forKey: .state)
        try container.encode(reason, forKey: .reason)
        try container.encode(topK, forKey: .topK)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(startedAt, forKey: .startedAt)
        try container.encode(finishedAt, forKey: .finishedAt)
        try container.encode(deadlineAt, forKey: .deadlineAt)
        try container.encode(attempts, forKey: .attempts)
        try container.encode(imageID, forKey: .imageID)
        try container.encode(imageWidth, forKey: .imageWidth)
        try container.encode(imageHeight, forKey: .imageHeight)
        try container.encode(verdict, forKey: .verdict)
        try container.encode(details, forKey: .details)
        try container.encode(articles, forKey: .articles)
    }
}

/// What a look's answer rests on (the `details` column).
public struct LookJobDetails: Sendable, Equatable, Codable {
    /// Garments of the person that are not in the photo, with why.
    public var notInView: [ArticleNote]
    /// Shards that did not answer by the deadline, with why.
    public var missingShards: [ShardNote]
    /// Milliseconds per step of the job, one after the other: `queued` (submit to a worker starting to take it), `claim`
    /// (taking it), decode, pose, locate, crop, embed, search. They add up to at most the look's time; the rest is the
    /// photo's read from the blob store and the answer's write.
    public var stageMilliseconds: [String: Double]
    /// Why the pose verdict.
    public var verdictReason: String?
    /// Products the searchers returned that had left the catalog meanwhile (left out of the answer).
    public var removedProductsSkipped: Int

    public init(
        notInView: [ArticleNote] = [], missingShards: [ShardNote] = [], stageMilliseconds: [String: Double] = [:],
        verdictReason: String? = nil, removedProductsSkipped: Int = 0
    ) {
        self.notInView = notInView
        self.missingShards = missingShards
        self.stageMilliseconds = stageMilliseconds
        self.verdictReason = verdictReason
        self.removedProductsSkipped = removedProductsSkipped
    }

    public struct ArticleNote: Sendable, Equatable, Codable {
        public var superCategory: SuperCategory
        public var reason: String

        public init(superCategory: SuperCategory, reason: String) {
            self.superCategory = superCategory
            self.reason = reason
        }

        enum CodingKeys: String, CodingKey { case superCategory = "super_category", reason }
    }

    public struct ShardNote: Sendable, Equatable, Codable {
        public var shard: Int
        public var reason: String

        public init(shard: Int, reason: String) {
            self.shard = shard
            self.reason = reason
        }
    }

    enum CodingKeys: String, CodingKey {
        case notInView = "not_in_view", missingShards = "missing_shards", stageMilliseconds = "stage_ms"
        case verdictReason = "verdict_reason", removedProductsSkipped = "removed_products_skipped"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        notInView = try container.decodeIfPresent([ArticleNote].self, forKey: .notInView) ?? []
        missingShards = try container.decodeIfPresent([ShardNote].self, forKey: .missingShards) ?? []
        stageMilliseconds = try container.decodeIfPresent([String: Double].self, forKey: .stageMilliseconds) ?? [:]
        verdictReason = try container.decodeIfPresent(String.self, forKey: .verdictReason)
        removedProductsSkipped = try container.decodeIfPresent(Int.self, forKey: .removedProductsSkipped) ?? 0
    }
}

/// One article of a look's photo with its matches.
public struct LookJobArticle: Sendable, Equatable, Codable {
    public var ordinal: Int
    public var superCategory: SuperCategory
    public var category: String?
    /// `[x0, y0, x1, y1]` in the photo's displayed pixels.
    public var box: [Double]
    public var score: Double?
    /// The crop's blob key (the API serves it as the article's crop).
    public var cropKey: String?
    /// Why the article has no matches (then `matches` is empty).
    public var reason: String?
    /// Best first.
    public var matches: [LookMatch]

    public init(
        ordinal: Int, superCategory: SuperCategory, category: String?, box: [Double], score: Double?, cropKey: String?,
        reason: String?, matches: [LookMatch]
    ) {
        self.ordinal = ordinal
        self.superCategory = superCategory
        self.category = category
        self.box = box
        self.score = score
        self.cropKey = cropKey
        self.reason = reason
        self.matches = matches
    }

    enum CodingKeys: String, CodingKey {
        case ordinal, superCategory = "super_category", category, box, score, cropKey = "crop_key", reason, matches
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(ordinal, forKey: .ordinal)
        try container.encode(superCategory, forKey: .superCategory)
        try container.encode(category, forKey: .category)
        try container.encode(box, forKey: .box)
        try container.encode(score, forKey: .score)
        try container.encode(cropKey, forKey: .cropKey)
        try container.encode(reason, forKey: .reason)
        try container.encode(matches, forKey: .matches)
    }
}

/// A catalog product matched to a look's article.
public struct LookMatch: Sendable, Equatable, Codable {
    /// 1 = best.
    public var rank: Int
    /// `nil` when the product was deleted since.
    public var productID: String?
    public var title: String?
    public var url: String?
    /// The cosine similarity of the article's vector and the matched catalog article's (higher is better).
    public var score: Double
    /// The catalog article whose vector matched: its crop shows why the product was picked.
    public var matchedArticleID: String?
    /// The matched article's fine category.
    public var matchedCategory: String?
    /// The matched article's photo (the product photo it was cut from).
    public var matchedImageID: String?

    public init(
        rank: Int, productID: String?, title: String?, url: String?, score: Double, matchedArticleID: String?,
        matchedCategory: String?, matchedImageID: String?
    ) {
        self.rank = rank
        self.productID = productID
        self.title = title
        self.url = url
        self.score = score
        self.matchedArticleID = matchedArticleID
        self.matchedCategory = matchedCategory
        self.matchedImageID = matchedImageID
    }

    enum CodingKeys: String, CodingKey {
        case rank, productID = "product_id", title, url, score, matchedArticleID = "matched_article_id"
        case matchedCategory = "matched_category", matchedImageID = "matched_image_id"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(rank, forKey: .rank)
        try container.encode(productID, forKey: .productID)
        try container.encode(title, forKey: .title)
        try container.encode(url, forKey: .url)
        try container.encode(score, forKey: .score)
        try container.encode(matchedArticleID, forKey: .matchedArticleID)
        try container.encode(matchedCategory, forKey: .matchedCategory)
        try container.encode(matchedImageID, forKey: .matchedImageID)
    }
}
