/// Whether a failure may pass by itself (retry it) or will not (the input is poison).
public enum FailureClassification: Sendable, Equatable {
    case transient
    case permanent

    /// An error that conforms to ``ClassifiedError`` says itself (Kafka, PostgreSQL and blob-store errors do,
    /// from their `isRetriable`); anything else is permanent.
    public init(_ error: any Error) {
        self = (error as? any ClassifiedError)?.classification ?? .permanent
    }
}

/// An error that knows whether it is transient.
public protocol ClassifiedError: Error {
    var classification: FailureClassification { get }
}
