import CRDKafka
import Dispatch
import Foundation
import Logging
import Synchronization

/// The librdkafka consumer handle behind ``KafkaConsumer``: polling, the rebalance callback, offset
/// storage. `poll` and `close` are called from one thread at a time (the consumer's poller); the other
/// methods are thread-safe.
///
/// ## The handle's lifetime
///
/// `close` destroys the handle on the poller thread while other threads may be in `commitStored`,
/// `committed`, `setPaused` or `seek`. Those take a *lease* on the handle (``withHandle(_:_:)``): under the state
/// lock they check that the consumer is not closing and count themselves in, then call librdkafka
/// *outside* the lock, then count themselves out. `close` refuses new leases first (a call that arrives
/// once close has begun throws a `.closed` error without touching the handle), waits until the running
/// ones have ended, and only then leaves the group (`rd_kafka_consumer_close`) and destroys the handle.
/// No call can reach a freed handle. Offsets marked processed are not lost to a refused commit: leaving
/// the group commits them (the revocation in the rebalance callback).
///
/// The wait comes before `rd_kafka_consumer_close`, not after it, because librdkafka (2.0.2) never answers
/// a synchronous `rd_kafka_commit` issued or still waiting once the consumer is closed — until the handle
/// is destroyed, which is exactly what must not happen under a running call. While it waits, `close` keeps
/// polling (records it gets are dropped unprocessed, so not committed, and consumed again by the next
/// owner), so that a rebalance that a running call might depend on is served.
///
/// Why not simply make the librdkafka call under the lock: a synchronous `rd_kafka_commit` waits for the
/// group coordinator, seconds when it moves, and the same lock is taken by the rebalance callback (on the
/// poller thread, inside `rd_kafka_consumer_poll`/`rd_kafka_consumer_close`) and by ``markProcessed(_:offset:)``
/// (on the callers' cooperative threads). Holding it over a broker round trip would stall every
/// processing task and the poller for that long, and librdkafka gives no promise that a commit completes
/// while the application's rebalance callback is blocked (a rebalance in progress can hold commits back),
/// which would deadlock. With leases the lock is only held for a few instructions, and the thread that
/// waits (the poller, in `close`) holds no lock while waiting. The rebalance callback and `poll` use the
/// handle without a lease: they run on the poller thread, the thread that destroys it; so does
/// ``markProcessed(_:offset:)``, under the lock, which `close` takes to mark the handle destroyed.
final class RDKafkaConsumer: RDKafkaClientContext, @unchecked Sendable {
    /// Written only in `init` and by `close` once no lease is held and none can be granted.
    private var handle: OpaquePointer!
    private let rebalanceHandler: KafkaRebalanceHandler
    private let state = Mutex(State())

    private struct State {
        var tracker = PartitionOffsetTracker()
        var assignment: Set<KafkaTopicPartition> = []
        /// `close` has begun: no lease is granted.
        var closing = false
        /// The handle is destroyed or about to be.
        var destroyed = false
        /// Calls using the handle outside the lock right now (see the type's documentation).
        var leases = 0
        /// Whether the group has given this member an assignment (even an empty one) at least once.
        var assignedOnce = false
    }

    /// How long `close` waits for a member that has joined to receive its first assignment.
    private let firstAssignmentWait: Duration

    init(
        configuration: KafkaConsumerConfiguration, topics: [String], rebalanceHandler: KafkaRebalanceHandler,
        logger: Logger
    ) throws(KafkaError) {
        self.rebalanceHandler = rebalanceHandler
        self.firstAssignmentWait = configuration.sessionTimeout + .seconds(2)
        super.init(logger: logger)
        guard !topics.isEmpty else {
            throw KafkaError(kind: .configuration, message: "a consumer needs at least one topic")
        }
        let properties = configuration.librdkafkaProperties
        let conf = try RDKafkaConfig.make(properties)
        install(on: conf)
        rd_kafka_conf_set_rebalance_cb(conf, RDKafkaConsumer.rebalanceCallback)
        handle = try RDKafkaConfig.newClient(type: RD_KAFKA_CONSUMER, conf: conf, properties: properties)
        rd_kafka_poll_set_consumer(handle)
        let list = RDKafkaPartitionList.make(topics.map { KafkaTopicPartition(topic: $0, partition: RD_KAFKA_PARTITION_UA) })
        defer { rd_kafka_topic_partition_list_destroy(list) }
        let result = rd_kafka_subscribe(handle, list)
        if result != RD_KAFKA_RESP_ERR_NO_ERROR {
            rd_kafka_destroy(handle)
            handle = nil
            throw KafkaError(code: result, context: "cannot subscribe to \(topics.joined(separator: ", "))")
        }
    }

    deinit {
        if handle != nil {
            awaitFirstAssignmentIfJoined()
            rd_kafka_consumer_close(handle)
            rd_kafka_destroy(handle)
        }
    }

    var isClosing: Bool { state.withLock { $0.closing } }
    var assignment: Set<KafkaTopicPartition> { state.withLock { $0.assignment } }
    var inFlightCount: Int { state.withLock { $0.tracker.inFlightCount } }

    // MARK: Polling

    /// One poll. Returns `nil` on time-out and after transient errors (which are logged).
    func poll(timeoutMilliseconds: Int32) throws(KafkaError) -> KafkaMessage? {
        guard let message = rd_kafka_consumer_poll(handle, timeoutMilliseconds) else { return nil }
        defer { rd_kafka_message_destroy(message) }
        let record = message.pointee
        if record.err != RD_KAFKA_RESP_ERR_NO_ERROR {
            var buffer = [CChar](repeating: 0, count: 512)
            if rd_kafka_fatal_error(handle, &buffer, buffer.count) != RD_KAFKA_RESP_ERR_NO_ERROR {
                throw KafkaError(kind: .fatal, message: String(cBuffer: buffer))
            }
            let error = KafkaError(code: record.err, context: "consumer")
            logger.warning("\(error)")
            return nil
        }
        let topic = String(cString: rd_kafka_topic_name(record.rkt))
        let value = record.payload.map { Array(UnsafeRawBufferPointer(start: $0, count: record.len)) } ?? []
        let key = record.key.map { Array(UnsafeRawBufferPointer(start: $0, count: record.key_len)) }
        var timestampType = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE
        let milliseconds = rd_kafka_message_timestamp(message, &timestampType)
        let timestamp = milliseconds >= 0 ? Date(timeIntervalSince1970: Double(milliseconds) / 1000) : nil
        let result = KafkaMessage(
            topic: topic, partition: record.partition, offset: record.offset, key: key, value: value,
            headers: Self.headers(of: message), timestamp: timestamp)
        state.withLock { $0.tracker.delivered(result.topicPartition, offset: result.offset) }
        return result
    }

    private static func headers(of message: UnsafeMutablePointer<rd_kafka_message_t>) -> [KafkaHeader] {
        var headers: OpaquePointer?
        guard rd_kafka_message_headers(message, &headers) == RD_KAFKA_RESP_ERR_NO_ERROR, let headers else { return [] }
        var result: [KafkaHeader] = []
        var index = 0
        while true {
            var name: UnsafePointer<CChar>?
            var value: UnsafeRawPointer?
            var size = 0
            guard rd_kafka_header_get_all(headers, index, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR else { break }
            let bytes = value.map { Array(UnsafeRawBufferPointer(start: $0, count: size)) }
            result.append(KafkaHeader(name: name.map { String(cString: $0) } ?? "", value: bytes))
            index += 1
        }
        return result
    }

    // MARK: Offsets

    func markProcessed(_ partition: KafkaTopicPartition, offset: Int64) {
        state.withLock { state in
            guard !state.destroyed, let point = state.tracker.processed(partition, offset: offset) else { return }
            let list = RDKafkaPartitionList.make([(partition, point)])
            defer { rd_kafka_topic_partition_list_destroy(list) }
            let result = rd_kafka_offsets_store(handle, list)
            if result != RD_KAFKA_RESP_ERR_NO_ERROR {
                // The partition was revoked meanwhile: its new owner processes the record again.
                logger.debug("offset \(point) of \(partition) not stored: \(String(cString: rd_kafka_err2str(result)))")
            }
        }
    }

    /// Synchronously commits the stored offsets. Throws a `.closed` error once `close` has begun.
    func commitStored() throws(KafkaError) {
        try withHandle("commit") { handle throws(KafkaError) in
            let result = rd_kafka_commit(handle, nil, 0)
            if result != RD_KAFKA_RESP_ERR_NO_ERROR && result != RD_KAFKA_RESP_ERR__NO_OFFSET {
                throw KafkaError(code: result, context: "commit")
            }
        }
    }

    /// Runs `body` with the handle, which `close` neither closes nor destroys before `body` returns; throws
    /// a `.closed` error, without calling `body`, once `close` has begun.
    private func withHandle<T>(
        _ operation: String, _ body: (OpaquePointer) throws(KafkaError) -> T
    ) throws(KafkaError) -> T {
        let granted = state.withLock { state -> Bool in
            guard !state.closing else { return false }
            state.leases += 1
            return true
        }
        guard granted else { throw KafkaError(kind: .closed, message: "\(operation): the consumer is closed") }
        defer { state.withLock { $0.leases -= 1 } }
        // Safe outside the lock: `close` writes `handle` only after this lease has ended.
        return try body(handle)
    }

    /// Commits explicit offsets synchronously (used while partitions are being revoked).
    private func commit(_ offsets: [KafkaTopicPartition: Int64]) {
        guard !offsets.isEmpty else { return }
        let list = RDKafkaPartitionList.make(offsets.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
        defer { rd_kafka_topic_partition_list_destroy(list) }
        let result = rd_kafka_commit(handle, list, 0)
        if result != RD_KAFKA_RESP_ERR_NO_ERROR {
            logger.warning("commit before revocation failed, records will be processed again by the next owner: \(String(cString: rd_kafka_err2str(result)))")
        } else {
            logger.debug("committed \(offsets.map { "\($0.key)@\($0.value)" }.sorted().joined(separator: ", "))")
        }
    }

    func committed(_ partitions: [KafkaTopicPartition], timeoutMilliseconds: Int32) throws(KafkaError) -> [KafkaTopicPartition: Int64] {
        try withHandle("committed offsets") { handle throws(KafkaError) in
            try RDKafkaPartitionList.committed(handle: handle, partitions, timeoutMilliseconds: timeoutMilliseconds)
        }
    }

    func setPaused(_ partitions: [KafkaTopicPartition], paused: Bool) throws(KafkaError) {
        try withHandle(paused ? "pause" : "resume") { handle throws(KafkaError) in
            try Self.setPaused(partitions, paused: paused, on: handle)
        }
    }

    /// The librdkafka call of ``setPaused(_:paused:)`` on a handle the caller knows is valid (under a lease, or on
    /// the poller thread in the rebalance callback, where a lease would be refused while `close` polls).
    private static func setPaused(_ partitions: [KafkaTopicPartition], paused: Bool, on handle: OpaquePointer) throws(KafkaError) {
        let operation = paused ? "pause" : "resume"
        let list = RDKafkaPartitionList.make(partitions)
        defer { rd_kafka_topic_partition_list_destroy(list) }
        let result = paused ? rd_kafka_pause_partitions(handle, list) : rd_kafka_resume_partitions(handle, list)
        if result != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaError(code: result, context: operation) }
        if let failed = RDKafkaPartitionList.elements(list).first(where: { $0.error != RD_KAFKA_RESP_ERR_NO_ERROR }) {
            throw KafkaError(code: failed.error, context: "\(operation) \(failed.partition)")
        }
    }

    /// The codes of a seek worth trying again: refused because the partition's fetcher has not started (`_STATE`),
    /// or not done within its time (`_TIMED_OUT`, the position then unknown).
    static let retriableSeekErrorCodes: Set<Int32> = [RD_KAFKA_RESP_ERR__STATE.rawValue, RD_KAFKA_RESP_ERR__TIMED_OUT.rawValue]

    /// Moves the fetch position of an assigned partition to `offset` and waits (up to `timeoutMilliseconds`)
    /// until librdkafka has done it. Records of the partition fetched or queued before the seek are never
    /// returned by a later `poll` (librdkafka's version barrier). A `_STATE` error means the partition's fetcher
    /// has not started yet (its assignment is still being served); the caller may retry.
    func seek(_ partition: KafkaTopicPartition, to offset: Int64, timeoutMilliseconds: Int32) throws(KafkaError) {
        try withHandle("seek") { handle throws(KafkaError) in
            let list = RDKafkaPartitionList.make([(partition, offset)])
            defer { rd_kafka_topic_partition_list_destroy(list) }
            if let failure = rd_kafka_seek_partitions(handle, list, timeoutMilliseconds) {
                throw KafkaError(error: failure, context: "seek \(partition) to \(offset)")
            }
            if let failed = RDKafkaPartitionList.elements(list).first(where: { $0.error != RD_KAFKA_RESP_ERR_NO_ERROR }) {
                throw KafkaError(code: failed.error, context: "seek \(failed.partition) to \(offset)")
            }
        }
    }

    // MARK: Rebalance

    private static let rebalanceCallback: @convention(c) (OpaquePointer?, rd_kafka_resp_err_t, UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?, UnsafeMutableRawPointer?) -> Void = {
        _, error, list, opaque in
        guard let opaque, let list else { return }
        Unmanaged<RDKafkaClientContext>.fromOpaque(opaque).takeUnretainedValue()
            .handleRebalance(error, list)
    }

    override func handleRebalance(_ error: rd_kafka_resp_err_t, _ list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) {
        let cooperative = String(cString: rd_kafka_rebalance_protocol(handle)) == "COOPERATIVE"
        let partitions = RDKafkaPartitionList.elements(list).map(\.partition)
        switch error {
        case RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS:
            let handler = rebalanceHandler
            let overrides = waitForAsync { await handler.onAssign(partitions) }
            for index in 0..<Int(list.pointee.cnt) {
                let element = list.pointee.elems[index]
                let partition = KafkaTopicPartition(topic: String(cString: element.topic), partition: element.partition)
                if let offset = overrides[partition] { list.pointee.elems[index].offset = offset }
            }
            state.withLock { state in
                state.tracker.remove(partitions)
                state.assignment.formUnion(partitions)
                state.assignedOnce = true
            }
            if cooperative {
                if let failure = rd_kafka_incremental_assign(handle, list) {
                    logger.error("\(KafkaError(error: failure, context: "incremental assign"))")
                }
            } else {
                let result = rd_kafka_assign(handle, list)
                if result != RD_KAFKA_RESP_ERR_NO_ERROR { logger.error("\(KafkaError(code: result, context: "assign"))") }
            }
            if rebalanceHandler.assignPaused, !partitions.isEmpty {
                // Before this callback returns, so before any poll can hand out one of their records. A record
                // fetched before the pause took effect is discarded by librdkafka once the owner seeks (a seek
                // is a version barrier for the partition's queued records).
                do {
                    try Self.setPaused(partitions, paused: true, on: handle)
                } catch {
                    logger.error("assigned partitions not paused: \(error)")
                }
            }
            logger.info("assigned \(partitions.map(\.description).joined(separator: ", "))\(rebalanceHandler.assignPaused ? " (paused)" : "")")
        case RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS:
            let lost = rd_kafka_assignment_lost(handle) != 0
            let handler = rebalanceHandler
            waitForAsync { await handler.onRevoke(partitions, lost) }
            let offsets = state.withLock { state in
                let points = state.tracker.commitPoints.filter { partitions.contains($0.key) }
                state.tracker.remove(partitions)
                state.assignment.subtract(partitions)
                return points
            }
            if !lost { commit(offsets) }
            if cooperative {
                if let failure = rd_kafka_incremental_unassign(handle, list) {
                    logger.error("\(KafkaError(error: failure, context: "incremental unassign"))")
                }
            } else {
                _ = rd_kafka_assign(handle, nil)
            }
            logger.info("\(lost ? "lost" : "revoked") \(partitions.map(\.description).joined(separator: ", "))")
        default:
            logger.error("rebalance failed: \(String(cString: rd_kafka_err2str(error)))")
            // The whole assignment is dropped: its owner hears of it as a loss (another member may own the
            // partitions already), so that per-partition state (the searcher's shards) is given up too.
            let dropped = state.withLock { Array($0.assignment) }
            if !dropped.isEmpty {
                let handler = rebalanceHandler
                waitForAsync { await handler.onRevoke(dropped, true) }
            }
            state.withLock { state in
                state.tracker.remove(state.assignment)
                state.assignment.removeAll()
            }
            _ = rd_kafka_assign(handle, nil)
        }
    }

    // MARK: Closing

    /// Stops polling and refuses new leases; ``close()`` does the rest.
    func beginClose() {
        state.withLock { $0.closing = true }
    }

    /// librdkafka 2.0.2 aborts when a cooperative-sticky member is destroyed after joining the group (JoinGroup
    /// answered: it has a member id) but before its first assignment (confluentinc/librdkafka#4312, fixed in
    /// 2.3.0). Such a member is polled until the assignment arrives, at most a session time-out and two seconds.
    /// No records can be fetched before an assignment; any that a poll returns stays unprocessed, so it is not
    /// committed and is consumed again.
    private func awaitFirstAssignmentIfJoined() {
        guard !state.withLock({ $0.assignedOnce }), let member = rd_kafka_memberid(handle) else { return }
        let joined = member.pointee != 0
        rd_kafka_mem_free(handle, member)
        guard joined else { return }
        let deadline = ContinuousClock.now + firstAssignmentWait
        while !state.withLock({ $0.assignedOnce }), ContinuousClock.now < deadline {
            _ = try? poll(timeoutMilliseconds: 100)
        }
    }

    /// Refuses new leases and waits for the running ones (polling meanwhile), leaves the group (the
    /// rebalance callback revokes and commits), then destroys the handle.
    func close() throws(KafkaError) {
        let alreadyDestroyed = state.withLock { state -> Bool in
            state.closing = true
            return state.destroyed
        }
        guard !alreadyDestroyed else { return }
        while state.withLock({ $0.leases > 0 }) {
            _ = try? poll(timeoutMilliseconds: 10)
        }
        awaitFirstAssignmentIfJoined()
        let result = rd_kafka_consumer_close(handle)
        state.withLock { $0.destroyed = true }
        rd_kafka_destroy(handle)
        handle = nil
        if result != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaError(code: result, context: "close") }
    }
}

/// Blocks the calling (dedicated, non-cooperative) thread until an async body finishes.
@discardableResult
private func waitForAsync<T: Sendable>(_ body: @escaping @Sendable () async -> T) -> T {
    let done = DispatchSemaphore(value: 0)
    let result = Mutex<T?>(nil)
    Task.detached {
        let value = await body()
        result.withLock { $0 = value }
        done.signal()
    }
    done.wait()
    return result.withLock { $0! }
}
