import ShopLookCore
import Logging

/// Consumer-group progress without joining the group: committed offsets against the topics' high
/// watermarks, i.e. the lag of each partition. For `shoplook status` and dashboards.
public final class KafkaGroupInspector: Sendable {
    private let client: RDKafkaInspector
    public let groupID: String

    public init(configuration: KafkaConfiguration, groupID: String, logger: Logger) throws(KafkaError) {
        self.groupID = groupID
        self.client = try RDKafkaInspector(configuration: configuration, groupID: groupID, logger: logger)
    }

    /// Per partition of `topic`: the committed offset (`nil` when the group committed none), the high
    /// watermark, and the lag (records not yet committed; from the low watermark when nothing is committed).
    public func lag(topic: String, timeout: Duration = .seconds(10)) async throws -> [PartitionLag] {
        let client = self.client
        let milliseconds = Int32(timeout.milliseconds)
        return try await runBlocking {
            let count = try client.partitionCount(topic: topic, timeoutMilliseconds: milliseconds)
            let partitions = (0..<count).map { KafkaTopicPartition(topic: topic, partition: Int32($0)) }
            let committed = try client.committed(partitions, timeoutMilliseconds: milliseconds)
            return try partitions.map { partition in
                let (low, high) = try client.watermarks(partition, timeoutMilliseconds: milliseconds)
                let position = committed[partition] ?? low
                return PartitionLag(partition: partition, committed: committed[partition], highWatermark: high, lag: max(0, high - position))
            }
        }
    }
}

extension KafkaGroupInspector {
    /// The low and high watermarks of `partitions` (the first offset the broker still keeps and the next offset
    /// to be written): where a consumer can start, and what a snapshot's offset must not be older than.
    public func watermarks(
        _ partitions: [KafkaTopicPartition], timeout: Duration = .seconds(10)
    ) async throws -> [KafkaTopicPartition: (low: Int64, high: Int64)] {
        let client = self.client
        let milliseconds = Int32(timeout.milliseconds)
        return try await runBlocking {
            var result: [KafkaTopicPartition: (low: Int64, high: Int64)] = [:]
            for partition in partitions { result[partition] = try client.watermarks(partition, timeoutMilliseconds: milliseconds) }
            return result
        }
    }
}

/// How far a group is behind on one partition.
public struct PartitionLag: Sendable, Equatable {
    public var partition: KafkaTopicPartition
    public var committed: Int64?
    public var highWatermark: Int64
    public var lag: Int64
}
