/// A command of the development broker's control channel: one line of text, words separated by spaces.
///
/// ```
/// ping                                     → ok pong
/// bootstrap                                → ok HOST:PORT,…
/// topics                                   → ok NAME:PARTITIONS …
/// create-topic NAME PARTITIONS [REPLICAS]  → ok
/// broker-down ID | broker-up ID            → ok
/// broker-rtt ID MILLISECONDS               → ok
/// set-leader TOPIC PARTITION BROKER        → ok
/// push-errors API ERROR[,ERROR…]           → ok   (API: name such as Produce or a number;
///                                                  ERROR: name such as NOT_LEADER_FOR_PARTITION or a number)
/// clear-errors API                         → ok
/// shutdown                                 → ok   (the broker exits)
/// ```
/// Every answer is one line starting with `ok` or `error`.
public enum BrokerCommand: Equatable, Sendable {
    case ping
    case bootstrap
    case topics
    case createTopic(name: String, partitions: Int, replicationFactor: Int?)
    case brokerDown(Int32)
    case brokerUp(Int32)
    case brokerRoundTripTime(Int32, milliseconds: Int)
    case setLeader(topic: String, partition: Int32, broker: Int32)
    case pushErrors(apiKey: Int16, errors: [Int32])
    case clearErrors(apiKey: Int16)
    case shutdown

    public struct ParseError: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    public init(parsing line: String) throws(ParseError) {
        let words = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        guard let verb = words.first else { throw ParseError(description: "empty command") }
        let arguments = Array(words.dropFirst())
        func expect(_ count: ClosedRange<Int>, _ usage: String) throws(ParseError) {
            guard count.contains(arguments.count) else { throw ParseError(description: "usage: \(usage)") }
        }
        func integer<T: FixedWidthInteger>(_ text: String, _ what: String) throws(ParseError) -> T {
            guard let value = T(text) else { throw ParseError(description: "\(what) must be an integer, got \"\(text)\"") }
            return value
        }
        switch verb {
        case "ping":
            try expect(0...0, "ping")
            self = .ping
        case "bootstrap":
            try expect(0...0, "bootstrap")
            self = .bootstrap
        case "topics":
            try expect(0...0, "topics")
            self = .topics
        case "create-topic":
            try expect(2...3, "create-topic NAME PARTITIONS [REPLICAS]")
            let replicas: Int? = arguments.count == 3 ? try integer(arguments[2], "REPLICAS") : nil
            self = .createTopic(name: arguments[0], partitions: try integer(arguments[1], "PARTITIONS"), replicationFactor: replicas)
        case "broker-down":
            try expect(1...1, "broker-down ID")
            self = .brokerDown(try integer(arguments[0], "ID"))
        case "broker-up":
            try expect(1...1, "broker-up ID")
            self = .brokerUp(try integer(arguments[0], "ID"))
        case "broker-rtt":
            try expect(2...2, "broker-rtt ID MILLISECONDS")
            self = .brokerRoundTripTime(try integer(arguments[0], "ID"), milliseconds: try integer(arguments[1], "MILLISECONDS"))
        case "set-leader":
            try expect(3...3, "set-leader TOPIC PARTITION BROKER")
            self = .setLeader(topic: arguments[0], partition: try integer(arguments[1], "PARTITION"), broker: try integer(arguments[2], "BROKER"))
        case "push-errors":
            try expect(2...2, "push-errors API ERROR[,ERROR…]")
            var codes: [Int32] = []
            for name in arguments[1].split(separator: ",").map(String.init) {
                guard let code = Int32(name) ?? MockKafkaCluster.errorCode(named: name) else {
                    throw ParseError(description: "unknown Kafka error \"\(name)\" (use a name such as NOT_LEADER_FOR_PARTITION or a number)")
                }
                codes.append(code)
            }
            self = .pushErrors(apiKey: try Self.apiKey(arguments[0]), errors: codes)
        case "clear-errors":
            try expect(1...1, "clear-errors API")
            self = .clearErrors(apiKey: try Self.apiKey(arguments[0]))
        case "shutdown":
            try expect(0...0, "shutdown")
            self = .shutdown
        default:
            throw ParseError(description: "unknown command \"\(verb)\"")
        }
    }

    private static func apiKey(_ text: String) throws(ParseError) -> Int16 {
        if let number = Int16(text) { return number }
        guard let key = MockKafkaCluster.apiKeys[text] else {
            let known = MockKafkaCluster.apiKeys.keys.sorted().joined(separator: ", ")
            throw ParseError(description: "unknown API \"\(text)\" (one of \(known), or a number)")
        }
        return key
    }

    /// Runs the command on a cluster and returns the answer line (without the newline).
    public func run(on cluster: MockKafkaCluster, defaultReplicationFactor: Int) -> String {
        do {
            switch self {
            case .ping: return "ok pong"
            case .bootstrap: return "ok \(cluster.bootstrapServers)"
            case .topics:
                return (["ok"] + cluster.createdTopics.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)" })
                    .joined(separator: " ")
            case .createTopic(let name, let partitions, let replicas):
                try cluster.createTopic(name, partitions: partitions, replicationFactor: replicas ?? defaultReplicationFactor)
            case .brokerDown(let id): try cluster.setBrokerDown(id)
            case .brokerUp(let id): try cluster.setBrokerUp(id)
            case .brokerRoundTripTime(let id, let milliseconds): try cluster.setBrokerRoundTripTime(id, milliseconds: milliseconds)
            case .setLeader(let topic, let partition, let broker):
                try cluster.setPartitionLeader(topic: topic, partition: partition, broker: broker)
            case .pushErrors(let apiKey, let errors): cluster.pushRequestErrors(apiKey: apiKey, errors: errors)
            case .clearErrors(let apiKey): cluster.clearRequestErrors(apiKey: apiKey)
            case .shutdown: return "ok"
            }
            return "ok"
        } catch {
            return "error \(error)"
        }
    }
}
