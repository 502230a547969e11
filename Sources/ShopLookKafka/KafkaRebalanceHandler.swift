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
    /// Opt-in for owners whose per-partition preparation is slow (the searcher's shard loads): newly
    /// assigned partitions are paused in the rebalance, right after they are assigned, so nothing of them
    /// is fetched until the owner starts each one with ``KafkaConsumer/seek(_:to:)`` and
    /// ``KafkaConsumer/resume(_:)``. `onAssign` must then return at once (preparing in the background):
    /// while it runs the member cannot take part in another rebalance, which stalls the whole group (a real
    /// coordinator waits up to `max.poll.interval.ms`) or gets the member evicted (the mock cluster).
    /// Its overrides still apply, but an owner that seeks has no use for them. Default false: partitions
    /// are fetched as soon as they are assigned.
    public var assignPaused: Bool

    public init(
        onAssign: @escaping @Sendable ([KafkaTopicPartition]) async -> [KafkaTopicPartition: Int64] = { _ in [:] },
        onRevoke: @escaping @Sendable ([KafkaTopicPartition], Bool) async -> Void = { _, _ in },
        assignPaused: Bool = false
    ) {
        self.onAssign = onAssign
        self.onRevoke = onRevoke
        self.assignPaused = assignPaused
    }
}
