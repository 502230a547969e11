import ShopLookCore
import ShopLookKafka

/// An input a stage gave up on, with why.
public struct DeadLetter: Sendable {
    /// The message as it was consumed.
    public var source: KafkaMessage
    public var reason: DeadLetterReason
    /// What went wrong, for people (logged, kept in the envelope and the `dead_letters` row).
    public var error: String

    public init(source: KafkaMessage, reason: DeadLetterReason, error: String) {
        self.source = source
        self.reason = reason
        self.error = error
    }

    /// `topic[partition]@offset` of the source message, for logs.
    public var sourceDescription: String { "\(source.topic)[\(source.partition)]@\(source.offset)" }
}

/// Where a ``StageWorker`` puts poison input: ``DeadLetterWriter`` (the dead-letter topic and PostgreSQL) in a
/// process. Writing the same letter twice (a replay) must change nothing.
public protocol DeadLetterSink: Sendable {
    func write(_ letter: DeadLetter) async throws
}
