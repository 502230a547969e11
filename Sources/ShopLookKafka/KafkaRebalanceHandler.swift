/// What a consumer-group member is told when its share of partitions changes.
///
/// Both calls happen while the consumer is inside its rebalance: partitions being revoked are still owned
/// (their offsets not yet committed, nobody else consuming them) until `onRevoke` returns, so an owner of
/// state per partition (the searcher's shards) can snapshot it first. Do not call the consumer's `next()`
/// from a handler (it would wait for itself); `markProcessed` and `commit` are fine.
public struct KafkaRebalanceHandler: Sendable {
    /// Partitions newly assigned, before any of their records are fetched. Returns starting offsets that
    /// override the committed ones (for example the offset a loaded snapshot reflects); partitions left
    /// out start from their committed offset, or by `auto.offset.reset` where none is committed.
    public var onAssign: @Sendable (_ partitions: [KafkaTopicPartition]) async -> [KafkaTopicPartition: Int64]
    /// Partitions about to be given up. `lost` is true when the group already moved them (session
    /// timed out, or a failed rebalance dropped the whole assignment): their offsets are then not committed,
    /// since another member may own them.
    public var onRevoke: @Sendable (_ partitions: [KafkaTopicPartition], _ lost: Bool) async -> Void

    public init(
        onAssign: @escaping @Sendable ([KafkaTopicPartition]) async -> [KafkaTopicPartition: Int64] = { _ in [:] },
        onRevoke: @escaping @Sendable ([KafkaTopicPartition], Bool) async -> Void = { _, _ in }
    ) {
        self.onAssign = onAssign
        self.onRevoke = onRevoke
    }
}
