import ShopLookCore
import Foundation

/// Settings shared by producers and consumers. Each typed property names the librdkafka key it sets;
/// `properties` carries any other librdkafka property and is applied last, so it can override a typed one;
/// `consumerProperties` are applied after that, by consumers only (librdkafka warns about consumer keys given
/// to a producer).
///
/// Every property is checked by librdkafka when a client is created: an unknown key or an invalid value is
/// a ``KafkaError`` of kind `.configuration` thrown at start-up, never a log line.
public struct KafkaConfiguration: Sendable, Equatable {
    /// `bootstrap.servers`: comma-separated `host:port` list.
    public var bootstrapServers: String
    /// `client.id`
    public var clientID: String
    /// Extra librdkafka properties (`key` → `value`).
    public var properties: [String: String]
    /// Extra librdkafka properties for consumers only, e.g. `fetch.wait.max.ms`.
    public var consumerProperties: [String: String]

    public init(
        bootstrapServers: String, clientID: String = "shoplook", properties: [String: String] = [:],
        consumerProperties: [String: String] = [:]
    ) {
        self.bootstrapServers = bootstrapServers
        self.clientID = clientID
        self.properties = properties
        self.consumerProperties = consumerProperties
    }

    /// Environment variable holding `bootstrap.servers`.
    public static let brokersVariable = "SHOPLOOK_KAFKA_BROKERS"
    /// Environment variable holding extra properties: `key=value` pairs separated by commas or newlines.
    public static let propertiesVariable = "SHOPLOOK_KAFKA_CONFIG"
    /// Environment variable holding extra consumer-only properties, in the same form. The local stack sets
    /// `fetch.wait.max.ms` low there: the development broker answers a fetch that finds no records only when
    /// the whole wait has passed, even if records arrive meanwhile (a real broker answers as soon as they do).
    public static let consumerPropertiesVariable = "SHOPLOOK_KAFKA_CONSUMER_CONFIG"

    /// Reads `SHOPLOOK_KAFKA_BROKERS`, `SHOPLOOK_KAFKA_CONFIG` and `SHOPLOOK_KAFKA_CONSUMER_CONFIG`; `brokers`
    /// and `properties` (from flags) take precedence over the environment.
    public static func resolve(
        brokers: String? = nil,
        properties flagProperties: [String] = [],
        clientID: String = "shoplook",
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(KafkaError) -> KafkaConfiguration {
        guard let servers = brokers ?? environment[brokersVariable], !servers.isEmpty else {
            throw KafkaError(
                kind: .configuration,
                message: "no Kafka brokers given: pass --kafka-brokers HOST:PORT or set \(brokersVariable) "
                    + "(the local stack writes it to .local/stack.env)")
        }
        var merged = try parseProperties(environment[propertiesVariable] ?? "", source: propertiesVariable)
        for pair in flagProperties {
            let (key, value) = try parseProperty(pair, source: "--kafka-property")
            merged[key] = value
        }
        let consumer = try parseProperties(environment[consumerPropertiesVariable] ?? "", source: consumerPropertiesVariable)
        return KafkaConfiguration(bootstrapServers: servers, clientID: clientID, properties: merged, consumerProperties: consumer)
    }

    /// Parses `key=value` pairs separated by commas or newlines.
    static func parseProperties(_ text: String, source: String) throws(KafkaError) -> [String: String] {
        var result: [String: String] = [:]
        for pair in text.split(whereSeparator: { $0 == "," || $0 == "\n" }) where !pair.trimmingCharacters(in: .whitespaces).isEmpty {
            let (key, value) = try parseProperty(String(pair), source: source)
            result[key] = value
        }
        return result
    }

    /// Parses one `key=value` pair.
    public static func parseProperty(_ text: String, source: String) throws(KafkaError) -> (String, String) {
        guard let equals = text.firstIndex(of: "=") else {
            throw KafkaError(kind: .configuration, message: "\(source): expected key=value, got \"\(text)\"")
        }
        let key = text[..<equals].trimmingCharacters(in: .whitespaces)
        let value = text[text.index(after: equals)...].trimmingCharacters(in: .whitespaces)
        guard !key.isEmpty else {
            throw KafkaError(kind: .configuration, message: "\(source): empty property name in \"\(text)\"")
        }
        return (key, value)
    }
}

/// Producer settings. Idempotence is always on: retries never duplicate or reorder records.
public struct KafkaProducerConfiguration: Sendable, Equatable {
    public var kafka: KafkaConfiguration
    /// `acks`: always `all` (required by idempotence).
    public let acks = "all"
    /// `linger.ms`: how long to wait to fill a batch.
    public var linger: Duration = .milliseconds(5)
    /// `message.timeout.ms`: how long a record may wait for delivery, retries included, before the send fails.
    public var messageTimeout: Duration = .seconds(60)
    /// `queue.buffering.max.messages`: records waiting in the client; a full queue makes `send` wait.
    public var maxQueuedMessages = 100_000

    public init(kafka: KafkaConfiguration) {
        self.kafka = kafka
    }

    var librdkafkaProperties: [(String, String)] {
        var result: [(String, String)] = [
            ("bootstrap.servers", kafka.bootstrapServers),
            ("client.id", kafka.clientID),
            ("enable.idempotence", "true"),
            ("acks", acks),
            ("linger.ms", String(linger.milliseconds)),
            ("message.timeout.ms", String(messageTimeout.milliseconds)),
            ("queue.buffering.max.messages", String(maxQueuedMessages)),
        ]
        result += kafka.properties.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        return result
    }
}

/// Consumer-group member settings. Offsets are committed only for records the caller marks processed
/// (`enable.auto.offset.store=false`); the assignor is `cooperative-sticky`.
public struct KafkaConsumerConfiguration: Sendable, Equatable {
    public enum OffsetReset: String, Sendable {
        case earliest, latest
    }

    public var kafka: KafkaConfiguration
    /// `group.id`
    public var groupID: String
    /// `session.timeout.ms`. The development broker waits this long minus one second on each rebalance.
    public var sessionTimeout: Duration = .seconds(10)
    /// `max.poll.interval.ms`: the longest the caller may go between two `next()` calls.
    public var maxPollInterval: Duration = .seconds(300)
    /// `auto.offset.reset`: where a group with no committed offset starts.
    public var offsetReset: OffsetReset = .earliest
    /// `auto.commit.interval.ms`: how often marked offsets are committed in the background.
    public var commitInterval: Duration = .seconds(1)
    /// `partition.assignment.strategy`
    public var assignmentStrategy = "cooperative-sticky"
    /// `queued.max.messages.kbytes`: the most prefetched data held per client, bounding memory.
    public var maxPrefetchKilobytes = 16_384

    public init(kafka: KafkaConfiguration, groupID: String) {
        self.kafka = kafka
        self.groupID = groupID
    }

    var librdkafkaProperties: [(String, String)] {
        var result: [(String, String)] = [
            ("bootstrap.servers", kafka.bootstrapServers),
            ("client.id", kafka.clientID),
            ("group.id", groupID),
            ("session.timeout.ms", String(sessionTimeout.milliseconds)),
            ("heartbeat.interval.ms", String(max(100, sessionTimeout.milliseconds / 5))),
            ("max.poll.interval.ms", String(maxPollInterval.milliseconds)),
            ("auto.offset.reset", offsetReset.rawValue),
            ("enable.auto.commit", "true"),
            ("enable.auto.offset.store", "false"),
            ("auto.commit.interval.ms", String(commitInterval.milliseconds)),
            ("partition.assignment.strategy", assignmentStrategy),
            ("enable.partition.eof", "false"),
            ("queued.max.messages.kbytes", String(maxPrefetchKilobytes)),
        ]
        result += kafka.properties.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        result += kafka.consumerProperties.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        return result
    }
}
