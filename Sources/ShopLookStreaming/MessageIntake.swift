import ShopLookCore
import ShopLookKafka

/// What a consumed message turned out to be.
enum Intake<Input: ShopLookMessage>: Sendable {
    /// A valid input, with its parsed JSON.
    case input(StageInput<Input>, document: JSONValue)
    /// Poison: too large, not JSON, or against its schema; the JSON when it parsed.
    case poison(DeadLetter, document: JSONValue?)
}

/// Reads consumed messages: a byte cap before anything is parsed, then one parse, the schema, the Swift type.
struct MessageIntake<Input: ShopLookMessage>: Sendable {
    let codec: MessageCodec
    let maximumBytes: Int

    func read(_ message: KafkaMessage) -> Intake<Input> {
        guard message.value.count <= maximumBytes else {
            return .poison(DeadLetter(
                source: message, reason: .limitExceeded,
                error: "\(Input.schemaName) message of \(message.value.count) bytes exceeds the limit of \(maximumBytes) bytes"),
                document: nil)
        }
        let document: JSONValue
        do {
            document = try codec.parse(message.value, schemaName: Input.schemaName)
        } catch {
            return .poison(DeadLetter(source: message, reason: DeadLetterReason(error), error: "\(error)"), document: nil)
        }
        do {
            let decoded = try codec.decode(Input.self, from: document)
            return .input(StageInput(
                message: decoded, topic: message.topic, partition: message.partition, offset: message.offset, key: message.key),
                document: document)
        } catch {
            return .poison(DeadLetter(source: message, reason: DeadLetterReason(error), error: "\(error)"), document: document)
        }
    }
}
