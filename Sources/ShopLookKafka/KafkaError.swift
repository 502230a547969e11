/// The one error type of the Kafka module.
///
/// `isRetriable` says whether the same operation may succeed when tried again later (a broker down, a
/// leader moving, a full local queue); permanent errors (bad configuration, an unknown topic, a fatal
/// idempotence failure) are not retriable. The pipeline's dead-letter decision depends on this split.
public struct KafkaError: Error, CustomStringConvertible, Sendable {
    public enum Kind: String, Sendable {
        /// A librdkafka property is unknown or has an invalid value.
        case configuration
        /// The broker or client reported an error for an operation.
        case client
        /// The client is closed or closing.
        case closed
        /// A fatal error: the client instance can no longer be used.
        case fatal
    }

    public var kind: Kind
    /// librdkafka's error code (`rd_kafka_resp_err_t`), 0 where none applies.
    public var code: Int32
    /// librdkafka's symbolic name for `code` (for example `_MSG_TIMED_OUT`), empty where none applies.
    public var codeName: String
    public var message: String
    public var isRetriable: Bool
    public var file: String
    public var line: Int

    public init(
        kind: Kind, code: Int32 = 0, codeName: String = "", message: String, isRetriable: Bool = false,
        file: String = #fileID, line: Int = #line
    ) {
        self.kind = kind
        self.code = code
        self.codeName = codeName
        self.message = message
        self.isRetriable = isRetriable
        self.file = file
        self.line = line
    }

    public var description: String {
        let name = codeName.isEmpty ? "" : " \(codeName)"
        let retry = isRetriable ? " (retriable)" : ""
        return "Kafka \(kind.rawValue) error\(name): \(message)\(retry) [\(file):\(line)]"
    }
}
