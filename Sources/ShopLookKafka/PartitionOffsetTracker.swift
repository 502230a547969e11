/// Decides which offset of each partition may be committed when records are processed out of order.
///
/// A consumer hands records out in offset order per partition, but a worker may finish them in any order
/// (batches, concurrent tasks). Committing the highest finished offset would skip unfinished records after
/// a crash, so the commit point of a partition is the lowest delivered-but-unfinished offset, or one past the
/// last delivered offset when all are finished. Pure value type: no I/O, tested on its own.
public struct PartitionOffsetTracker: Sendable {
    private struct PartitionState: Sendable {
        /// Delivered, not yet processed, ascending.
        var pending: [Int64] = []
        /// Highest offset delivered so far.
        var highestDelivered: Int64 = -1
        /// The commit point last reported by `processed`, to report only advances. Starts at the first
        /// delivered offset: committing where consumption began records nothing new.
        var lastCommitPoint: Int64
        /// Whether the commit point has moved past the first delivered offset.
        var advanced = false

        init(start: Int64) {
            lastCommitPoint = start
        }
    }

    private var partitions: [KafkaTopicPartition: PartitionState] = [:]

    public init() {}

    /// Records that `offset` was handed to the caller.
    ///
    /// Offsets below the highest delivered one mean the partition was rewound (a seek, or a re-assignment
    /// starting from the committed offset): the partition's state starts over.
    public mutating func delivered(_ partition: KafkaTopicPartition, offset: Int64) {
        var state = partitions[partition] ?? PartitionState(start: offset)
        if offset <= state.highestDelivered {
            state = PartitionState(start: offset)
        }
        state.pending.append(offset)
        state.highestDelivered = offset
        partitions[partition] = state
    }

    /// Records that `offset` is processed. Returns the partition's new commit point when it advanced
    /// (the next offset to consume, as Kafka commits it), or `nil` when it did not.
    public mutating func processed(_ partition: KafkaTopicPartition, offset: Int64) -> Int64? {
        guard var state = partitions[partition] else { return nil }
        guard let index = binarySearch(state.pending, offset) else { return nil }
        state.pending.remove(at: index)
        let point = state.pending.first ?? (state.highestDelivered + 1)
        defer { partitions[partition] = state }
        guard point > state.lastCommitPoint else { return nil }
        state.lastCommitPoint = point
        state.advanced = true
        return point
    }

    /// The offset that may be committed for `partition`, or `nil` when nothing was processed there.
    public func commitPoint(_ partition: KafkaTopicPartition) -> Int64? {
        guard let state = partitions[partition], state.advanced else { return nil }
        return state.lastCommitPoint
    }

    /// Commit points of every tracked partition.
    public var commitPoints: [KafkaTopicPartition: Int64] {
        partitions.compactMapValues { $0.advanced ? $0.lastCommitPoint : nil }
    }

    /// Records delivered to the caller and not yet marked processed, in all partitions.
    public var inFlightCount: Int { partitions.values.reduce(0) { $0 + $1.pending.count } }

    /// Forgets partitions the consumer no longer owns.
    public mutating func remove(_ removed: some Sequence<KafkaTopicPartition>) {
        for partition in removed { partitions[partition] = nil }
    }

    private func binarySearch(_ sorted: [Int64], _ value: Int64) -> Int? {
        var low = 0
        var high = sorted.count
        while low < high {
            let mid = (low + high) / 2
            if sorted[mid] < value { low = mid + 1 } else { high = mid }
        }
        return low < sorted.count && sorted[low] == value ? low : nil
    }
}
