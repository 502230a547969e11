import ShopLookBlobStore
import ShopLookKafka
import ShopLookPostgres

/// Whether a failure may pass by itself (retry it) or will not (the input is poison).
public enum FailureClassification: Sendable, Equatable {
    case transient
    case permanent

    /// Kafka, PostgreSQL and blob-store errors say themselves whether they are retriable; an error type of
    /// the project's can say so by conforming to ``ClassifiedError``; anything else is permanent.
    public init(_ error: any Error) {
        switch error {
        case let error as ClassifiedError: self = error.classification
        case let error as KafkaError: self = error.isRetriable ? .transient : .permanent
        case let error as PostgresError: self = error.isRetriable ? .transient : .permanent
        case let error as BlobStoreError: self = error.isRetriable ? .transient : .permanent
        default: self = .permanent
        }
    }
}

/// An error that knows whether it is transient.
public protocol ClassifiedError: Error {
    var classification: FailureClassification { get }
}
