import CRDKafka
import Logging

/// A consumer-type handle that never subscribes: it reads a group's committed offsets and the topics'
/// watermarks without joining the group (so inspecting a running stage never triggers a rebalance).
final class RDKafkaInspector: RDKafkaClientContext, @unchecked Sendable {
    private var handle: OpaquePointer!

    init(configuration: KafkaConfiguration, groupID: String, logger: Logger) throws(KafkaError) {
        super.init(logger: logger)
        let properties = [
            ("bootstrap.servers", configuration.bootstrapServers), ("client.id", configuration.clientID), ("group.id", groupID),
            ("enable.auto.commit", "false"),
        ] + configuration.properties.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        let conf = try RDKafkaConfig.make(properties)
        install(on: conf)
        handle = try RDKafkaConfig.newClient(type: RD_KAFKA_CONSUMER, conf: conf, properties: properties)
    }

    deinit {
        if let handle { rd_kafka_destroy(handle) }
    }

    /// The number of partitions of a topic (from the cluster's metadata).
    func partitionCount(topic: String, timeoutMilliseconds: Int32) throws(KafkaError) -> Int {
        guard let topicHandle = rd_kafka_topic_new(handle, topic, nil) else {
            throw KafkaError(kind: .client, message: "cannot create a handle for topic \(topic)")
        }
        defer { rd_kafka_topic_destroy(topicHandle) }
        return try RDKafkaMetadata.partitionCount(
            handle: handle, topicHandle: topicHandle, topic: topic, timeoutMilliseconds: timeoutMilliseconds)
    }

    /// Low and high watermarks (the first offset kept and the next offset to be written).
    func watermarks(_ partition: KafkaTopicPartition, timeoutMilliseconds: Int32) throws(KafkaError) -> (low: Int64, high: Int64) {
        var low: Int64 = 0
        var high: Int64 = 0
        let result = rd_kafka_query_watermark_offsets(handle, partition.topic, partition.partition, &low, &high, timeoutMilliseconds)
        if result != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaError(code: result, context: "watermarks of \(partition)") }
        return (low, high)
    }

    func committed(_ partitions: [KafkaTopicPartition], timeoutMilliseconds: Int32) throws(KafkaError) -> [KafkaTopicPartition: Int64] {
        try RDKafkaPartitionList.committed(handle: handle, partitions, timeoutMilliseconds: timeoutMilliseconds)
    }
}
