import CRDKafka
import Dispatch
import Foundation
import Logging
import Synchronization

/// The librdkafka consumer handle behind ``KafkaConsumer``: polling, the rebalance callback, offset
/// storage. `poll` and `close` are called from one thread at a time (the consumer's poller); the other
/// methods are thread-safe.
final class RDKafkaConsumer: RDKafkaClientContext, @unchecked Sendable {
    private var handle: OpaquePointer!
    private let rebalanceHandler: KafkaRebalanceHandler
    private let state = Mutex(State())

    private struct State {
        var tracker = PartitionOffsetTracker()
        var assignment: Set<KafkaTopicPartition> = []
        var closing = false
        var destroyed = false
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

    /// Synchronously commits the stored offsets.
    func commitStored() throws(KafkaError) {
        let proceed = state.withLock { !$0.destroyed }
        guard proceed else { throw KafkaError(kind: .closed, message: "the consumer is closed") }
        let result = rd_kafka_commit(handle, nil, 0)
        if result != RD_KAFKA_RESP_ERR_NO_ERROR && result != RD_KAFKA_RESP_ERR__NO_OFFSET {
            throw KafkaError(code: result, context: "commit")
        }
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
        try RDKafkaPartitionList.committed(handle: handle, partitions, timeoutMilliseconds: timeoutMilliseconds)
    }

    func setPaused(_ partitions: [KafkaTopicPartition], paused: Bool) throws(KafkaError) {
        let list = RDKafkaPartitionList.make(partitions)
        defer { rd_kafka_topic_partition_list_destroy(list) }
        let result = paused ? rd_kafka_pause_partitions(handle, list) : rd_kafka_resume_partitions(handle, list)
        if result != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaError(code: result, context: paused ? "pause" : "resume") }
        if let failed = RDKafkaPartitionList.elements(list).first(where: { $0.error != RD_KAFKA_RESP_ERR_NO_ERROR }) {
            throw KafkaError(code: failed.error, context: "\(paused ? "pause" : "resume") \(failed.partition)")
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
            logger.info("assigned \(partitions.map(\.description).joined(separator: ", "))")
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
            state.withLock { state in
                state.tracker.remove(state.assignment)
                state.assignment.removeAll()
            }
            _ = rd_kafka_assign(handle, nil)
        }
    }

    // MARK: Closing

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

    /// Leaves the group (the rebalance callback revokes and commits), then destroys the handle.
    func close() throws(KafkaError) {
        let alreadyDestroyed = state.withLock { state -> Bool in
            state.closing = true
            return state.destroyed
        }
        guard !alreadyDestroyed else { return }
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
