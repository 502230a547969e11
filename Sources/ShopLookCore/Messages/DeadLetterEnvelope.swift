import Foundation

/// Wraps a message a stage could not process, published to `dead-letter.<stage>`.
///
/// The original key and payload bytes are kept verbatim (base64 in JSON) so the
/// message can be inspected and replayed, up to a size limit: a larger payload keeps its first bytes,
/// with its whole size and SHA-256 (the message itself stays on its source topic at its offset).
public struct DeadLetterEnvelope: ShopLookMessage, Equatable {
    /// Validated against `Schemas/dead-letter.schema.json`.
    public static let schemaName = "dead-letter"
    /// The format version written and read by this code.
    public static let currentVersion = 1

    /// Message format version.
    public var version: Int
    /// The stage that gave up on the message (a ``PipelineStage`` raw value for the catalog stages; any
    /// short lowercase name for other workers).
    public var stage: String
    /// Topic the message was consumed from.
    public var sourceTopic: String
    /// Partition it was consumed from (≥ 0).
    public var partition: Int
    /// Offset it was consumed at (≥ 0).
    public var offset: Int64
    /// The original Kafka key bytes, if the message had a key.
    public var key: Data?
    /// The original message bytes, or their first bytes when ``payloadTruncated``.
    public var payload: Data
    /// Whether ``payload`` holds only the first bytes of the message.
    public var payloadTruncated: Bool?
    /// The size of the whole original payload in bytes.
    public var payloadSize: Int?
    /// The SHA-256 of the whole original payload (64 lowercase hex digits).
    public var payloadSHA256: String?
    /// Human-readable description of the failure (non-empty).
    public var error: String
    /// Machine-readable failure category.
    public var errorKind: DeadLetterReason
    /// When the stage gave up.
    public var failedAt: Date

    /// Creates an envelope at the current version.
    public init(
        stage: String,
        sourceTopic: String,
        partition: Int,
        offset: Int64,
        key: Data? = nil,
        payload: Data,
        payloadTruncated: Bool? = nil,
        payloadSize: Int? = nil,
        payloadSHA256: String? = nil,
        error: String,
        errorKind: DeadLetterReason,
        failedAt: Date,
        version: Int = Self.currentVersion
    ) {
        self.version = version
        self.stage = stage
        self.sourceTopic = sourceTopic
        self.partition = partition
        self.offset = offset
        self.key = key
        self.payload = payload
        self.payloadTruncated = payloadTruncated
        self.payloadSize = payloadSize
        self.payloadSHA256 = payloadSHA256
        self.error = error
        self.errorKind = errorKind
        self.failedAt = failedAt
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case version
        case stage
        case sourceTopic = "source_topic"
        case partition
        case offset
        case key
        case payload
        case payloadTruncated = "payload_truncated"
        case payloadSize = "payload_size"
        case payloadSHA256 = "payload_sha256"
        case error
        case errorKind = "error_kind"
        case failedAt = "failed_at"
    }
}
