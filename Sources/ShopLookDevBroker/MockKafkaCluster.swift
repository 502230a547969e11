import CRDKafka
import Foundation

/// A librdkafka mock cluster (`rdkafka_mock.h`) hosted in this process: N brokers speaking the Kafka
/// protocol on loopback TCP ports, with failure injection.
///
/// Limits of librdkafka 2.0.2's mock: data in memory only; each partition keeps only about 5 MiB (older
/// records are dropped silently); the first group join waits 3 s and later rebalances wait
/// `session.timeout.ms` − 1 s; transactions are accepted but not enforced; CreateTopics is unsupported
/// (topics are created here, on the mock itself).
public final class MockKafkaCluster: @unchecked Sendable {
    private let handle: OpaquePointer
    private let cluster: OpaquePointer
    private let lock = NSLock()
    private var topics: [String: Int] = [:]
    public let brokerCount: Int

    public init(brokers: Int) throws(MockClusterError) {
        guard (1...32).contains(brokers) else { throw MockClusterError("broker count must be 1…32, got \(brokers)") }
        guard let conf = rd_kafka_conf_new() else { throw MockClusterError("rd_kafka_conf_new failed") }
        var buffer = [CChar](repeating: 0, count: 512)
        _ = rd_kafka_conf_set(conf, "log_level", "3", &buffer, buffer.count)
        guard let handle = rd_kafka_new(RD_KAFKA_PRODUCER, conf, &buffer, buffer.count) else {
            rd_kafka_conf_destroy(conf)
            throw MockClusterError("cannot create the mock cluster's client handle")
        }
        guard let cluster = rd_kafka_mock_cluster_new(handle, Int32(brokers)) else {
            rd_kafka_destroy(handle)
            throw MockClusterError("rd_kafka_mock_cluster_new failed")
        }
        self.handle = handle
        self.cluster = cluster
        self.brokerCount = brokers
    }

    deinit {
        rd_kafka_mock_cluster_destroy(cluster)
        rd_kafka_destroy(handle)
    }

    /// The `bootstrap.servers` string of the cluster's brokers.
    public var bootstrapServers: String {
        String(cString: rd_kafka_mock_cluster_bootstraps(cluster))
    }

    /// Topics created so far and their partition counts.
    public var createdTopics: [String: Int] { lock.withLock { topics } }

    public func createTopic(_ name: String, partitions: Int, replicationFactor: Int) throws(MockClusterError) {
        guard !name.isEmpty, name.utf8.count <= 249,
              name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) })
        else { throw MockClusterError("invalid topic name \"\(name)\"") }
        guard partitions >= 1 else { throw MockClusterError("a topic needs at least one partition") }
        guard (1...brokerCount).contains(replicationFactor) else {
            throw MockClusterError("replication factor must be 1…\(brokerCount)")
        }
        try check(rd_kafka_mock_topic_create(cluster, name, Int32(partitions), Int32(replicationFactor)), "create topic \(name)")
        lock.withLock { topics[name] = partitions }
    }

    public func setBrokerDown(_ id: Int32) throws(MockClusterError) {
        try checkBroker(id)
        try check(rd_kafka_mock_broker_set_down(cluster, id), "broker \(id) down")
    }

    public func setBrokerUp(_ id: Int32) throws(MockClusterError) {
        try checkBroker(id)
        try check(rd_kafka_mock_broker_set_up(cluster, id), "broker \(id) up")
    }

    public func setBrokerRoundTripTime(_ id: Int32, milliseconds: Int) throws(MockClusterError) {
        try checkBroker(id)
        try check(rd_kafka_mock_broker_set_rtt(cluster, id, Int32(milliseconds)), "broker \(id) rtt")
    }

    public func setPartitionLeader(topic: String, partition: Int32, broker: Int32) throws(MockClusterError) {
        try checkBroker(broker)
        try check(rd_kafka_mock_partition_set_leader(cluster, topic, partition, broker), "leader of \(topic)[\(partition)]")
    }

    /// Makes the next requests of this API (any broker) fail with these error codes, one per request.
    public func pushRequestErrors(apiKey: Int16, errors: [Int32]) {
        var codes = errors.map { rd_kafka_resp_err_t(rawValue: $0) }
        rd_kafka_mock_push_request_errors_array(cluster, apiKey, codes.count, &codes)
    }

    public func clearRequestErrors(apiKey: Int16) {
        rd_kafka_mock_clear_request_errors(cluster, apiKey)
    }

    private func checkBroker(_ id: Int32) throws(MockClusterError) {
        guard (1...Int32(brokerCount)).contains(id) else {
            throw MockClusterError("no broker \(id): brokers are numbered 1…\(brokerCount)")
        }
    }

    private func check(_ result: rd_kafka_resp_err_t, _ what: String) throws(MockClusterError) {
        if result != RD_KAFKA_RESP_ERR_NO_ERROR {
            throw MockClusterError("\(what): \(String(cString: rd_kafka_err2str(result)))")
        }
    }

    /// Kafka API keys by name, for failure injection.
    public static let apiKeys: [String: Int16] = [
        "Produce": 0, "Fetch": 1, "ListOffsets": 2, "Metadata": 3, "OffsetCommit": 8, "OffsetFetch": 9,
        "FindCoordinator": 10, "JoinGroup": 11, "Heartbeat": 12, "LeaveGroup": 13, "SyncGroup": 14,
        "DescribeGroups": 15, "ListGroups": 16, "ApiVersions": 18, "InitProducerId": 22,
    ]

    /// The error code for a librdkafka error name such as `NOT_LEADER_FOR_PARTITION` or `_TRANSPORT`.
    public static func errorCode(named name: String) -> Int32? {
        var descriptions: UnsafePointer<rd_kafka_err_desc>?
        var count = 0
        rd_kafka_get_err_descs(&descriptions, &count)
        guard let descriptions else { return nil }
        for index in 0..<count {
            if let entry = descriptions[index].name, String(cString: entry) == name {
                return descriptions[index].code.rawValue
            }
        }
        return nil
    }
}

public struct MockClusterError: Error, CustomStringConvertible, Sendable {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
