/// Why a message was sent to a dead-letter topic (`error_kind` in ``DeadLetterEnvelope``).
public enum DeadLetterReason: String, Sendable, Codable, CaseIterable {
    /// The message did not validate against its JSON Schema.
    case schemaViolation = "schema_violation"
    /// The referenced image bytes could not be decoded as an image.
    case undecodableImage = "undecodable_image"
    /// A size/dimension/count limit was exceeded.
    case limitExceeded = "limit_exceeded"
    /// The referenced blob does not exist in the blob store.
    case missingBlob = "missing_blob"
    /// The message could not be processed for another reason (not JSON, unsupported version, ...).
    case invalidMessage = "invalid_message"
    /// Processing failed with a permanent (non-retriable) error, for example a bug met by this input.
    case processingFailed = "processing_failed"

    /// The reason matching a ``MessageError`` raised while decoding a message.
    public init(_ error: MessageError) {
        switch error {
        case .schemaViolation: self = .schemaViolation
        case .invalidJSON, .unsupportedVersion, .schemaNotFound, .invalidSchema: self = .invalidMessage
        }
    }
}
