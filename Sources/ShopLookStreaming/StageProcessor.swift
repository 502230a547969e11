import ShopLookCore
import ShopLookKafka

/// The work of one pipeline stage, given a batch of decoded input messages.
///
/// A processor makes its effects durable (PostgreSQL rows, blobs) before it returns, keyed by deterministic
/// ids so that a replay changes nothing; the worker then produces the returned records and only after that
/// commits the inputs.
///
/// Errors: throw an error whose ``FailureClassification`` is `.transient` (a database or broker outage) and
/// the worker retries the whole batch with back-off, never dead-lettering it. Throw anything else and the
/// worker isolates the failing input (by retrying the batch's messages one by one) and dead-letters it as
/// `processing_failed`. Poison input the processor recognises itself (an undecodable image) is returned as
/// ``StageOutcome/deadLetter(_:_:)``, after recording in its own tables what that means.
///
/// The runtime knows no table but `dead_letters`: what a dead letter the worker decided itself (an input that did
/// not decode, was too large, or failed permanently) means for the stage's own state is
/// ``recordDeadLetter(_:document:)``'s business.
public protocol StageProcessor: Sendable {
    associatedtype Input: ShopLookMessage

    /// One outcome per input, in input order.
    func process(_ inputs: [StageInput<Input>]) async throws -> [StageOutcome]

    /// The relative work an input will take (for example its number of article crops), so that concurrent
    /// instances get equal shares of a batch. Default 1.
    func cost(of input: Input) -> Int

    /// Called after the worker dead-lettered an input on its own (it did not decode, was too large, or failed
    /// permanently), with the message's parsed JSON when it was JSON: the stage records what that means for its
    /// state (for example the image it names ends `dead_lettered`). Must be idempotent; transient errors are
    /// retried. Default: nothing.
    func recordDeadLetter(_ letter: DeadLetter, document: JSONValue?) async throws
}

extension StageProcessor {
    public func cost(of input: Input) -> Int { 1 }
    public func recordDeadLetter(_ letter: DeadLetter, document: JSONValue?) async throws {}
}

/// A decoded input with where it came from.
public struct StageInput<Message: ShopLookMessage>: Sendable {
    public var message: Message
    public var topic: String
    public var partition: Int32
    public var offset: Int64
    public var key: [UInt8]?

    public init(message: Message, topic: String, partition: Int32, offset: Int64, key: [UInt8]?) {
        self.message = message
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.key = key
    }
}

/// What became of one input.
public enum StageOutcome: Sendable {
    /// Done: produce these records (to the next stage), then commit.
    case forward([KafkaRecord])
    /// Done, nothing to produce: a terminal state the processor recorded (for example "rejected: not a
    /// full-body shot").
    case finished
    /// Poison input: dead-letter it with this reason and message, then commit.
    case deadLetter(DeadLetterReason, String)
}
