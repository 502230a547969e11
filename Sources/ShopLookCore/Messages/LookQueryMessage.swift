import Foundation

/// Published to `query-jobs` when a shopper submits a photo: the query worker's input.
///
/// The job's row in `query_jobs` is the source of truth (its state, the answer); the message wakes a worker and
/// carries what it needs to start without a read.
public struct LookQueryMessage: ShopLookMessage, Equatable {
    /// Validated against `Schemas/look-query.schema.json`.
    public static let schemaName = "look-query"
    /// The format version written and read by this code.
    public static let currentVersion = 1

    /// Message format version.
    public var version: Int
    /// The job, a lowercase UUID (`query_jobs.job_id`).
    public var jobID: String
    /// SHA-256 of the photo's bytes, 64 lowercase hex characters.
    public var imageID: String
    /// Blob-store key of the photo's bytes.
    public var blobKey: String
    /// Products wanted per article (1–1000).
    public var topK: Int
    /// When the job must have ended.
    public var deadlineAt: Date

    /// Creates a message at the current version.
    public init(jobID: String, imageID: String, blobKey: String, topK: Int, deadlineAt: Date, version: Int = Self.currentVersion) {
        self.version = version
        self.jobID = jobID
        self.imageID = imageID
        self.blobKey = blobKey
        self.topK = topK
        self.deadlineAt = deadlineAt
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case version
        case jobID = "job_id"
        case imageID = "image_id"
        case blobKey = "blob_key"
        case topK = "top_k"
        case deadlineAt = "deadline_at"
    }
}
