import CRDKafka
import Foundation
import Logging
import ShopLookCore
import Synchronization

/// The librdkafka producer handle behind ``KafkaProducer``.
///
/// A dedicated thread serves `rd_kafka_poll`, which runs the delivery-report callback; each in-flight
/// record carries a retained ``DeliveryWaiter`` as its opaque, released when its report arrives.
final class RDKafkaProducer: RDKafkaClientContext, @unchecked Sendable {
    private var handle: OpaquePointer!
    private let state = Mutex(State.running)
    private let pollThreadDone = DispatchSemaphore(value: 0)
    /// Topic handles made by `prepare`, kept for the client's lifetime so that their metadata stays current.
    private let preparedTopics = Mutex<[String: OpaquePointer]>([:])

    private enum State {
        case running
        case closing
        case closed
    }

    final class DeliveryWaiter: @unchecked Sendable {
        let continuation: CheckedContinuation<KafkaDeliveryReport?, any Error>

        init(_ continuation: CheckedContinuation<KafkaDeliveryReport?, any Error>) {
            self.continuation = continuation
        }
    }

    init(configuration: KafkaProducerConfiguration, logger: Logger) throws(KafkaError) {
        super.init(logger: logger)
        let properties = configuration.librdkafkaProperties
        let conf = try RDKafkaConfig.make(properties)
        install(on: conf)
        rd_kafka_conf_set_dr_msg_cb(conf, RDKafkaProducer.deliveryCallback)
        handle = try RDKafkaConfig.newClient(type: RD_KAFKA_PRODUCER, conf: conf, properties: properties)
        let thread = Thread { [self] in pollLoop() }
        thread.name = "kafka-producer-poll"
        thread.start()
    }

    deinit {
        guard let handle else { return }
        destroyPreparedTopics()
        rd_kafka_destroy(handle)
    }

    /// Releases the topic handles `prepare` made (before the client handle is destroyed).
    private func destroyPreparedTopics() {
        preparedTopics.withLock { prepared in
            for topic in prepared.values { rd_kafka_topic_destroy(topic) }
            prepared = [:]
        }
    }

    private func pollLoop() {
        while state.withLock({ $0 == .running }) {
            rd_kafka_poll(handle, 100)
        }
        pollThreadDone.signal()
    }

    private static let deliveryCallback: @convention(c) (OpaquePointer?, UnsafePointer<rd_kafka_message_t>?, UnsafeMutableRawPointer?) -> Void = {
        _, message, _ in
        guard let message, let opaque = message.pointee._private else { return }
        let waiter = Unmanaged<DeliveryWaiter>.fromOpaque(opaque).takeRetainedValue()
        let topic = String(cString: rd_kafka_topic_name(message.pointee.rkt))
        if message.pointee.err != RD_KAFKA_RESP_ERR_NO_ERROR {
            waiter.continuation.resume(throwing: KafkaError(code: message.pointee.err, context: "delivery to \(topic) failed"))
        } else {
            waiter.continuation.resume(
                returning: KafkaDeliveryReport(topic: topic, partition: message.pointee.partition, offset: message.pointee.offset))
        }
    }

    /// Enqueues one record; `waiter` is resumed by the delivery report. Returns `false` when the local queue
    /// is full (the caller waits and tries again); throws for any other refusal.
    func enqueue(_ record: KafkaRecord, waiter: DeliveryWaiter) throws(KafkaError) -> Bool {
        guard state.withLock({ $0 == .running }) else {
            throw KafkaError(kind: .closed, message: "the producer is closed")
        }
        let opaque = Unmanaged.passRetained(waiter).toOpaque()
        var headers: OpaquePointer? = nil
        if !record.headers.isEmpty {
            headers = rd_kafka_headers_new(record.headers.count)
            for header in record.headers {
                if let value = header.value {
                    value.withUnsafeBytes { _ = rd_kafka_header_add(headers, header.name, -1, $0.baseAddress, $0.count) }
                } else {
                    _ = rd_kafka_header_add(headers, header.name, -1, nil, 0)
                }
            }
        }
        let error: OpaquePointer? = record.topic.withCString { topic in
            record.value.withUnsafeBytes { value in
                withOptionalBytes(record.key) { key in
                    var fields = [rd_kafka_vu_t](repeating: rd_kafka_vu_t(), count: 6)
                    fields[0].vtype = RD_KAFKA_VTYPE_TOPIC
                    fields[0].u.cstr = topic
                    fields[1].vtype = RD_KAFKA_VTYPE_PARTITION
                    fields[1].u.i32 = record.partition ?? RD_KAFKA_PARTITION_UA
                    fields[2].vtype = RD_KAFKA_VTYPE_VALUE
                    fields[2].u.mem.ptr = UnsafeMutableRawPointer(mutating: value.baseAddress)
                    fields[2].u.mem.size = value.count
                    fields[3].vtype = RD_KAFKA_VTYPE_KEY
                    fields[3].u.mem.ptr = UnsafeMutableRawPointer(mutating: key?.baseAddress)
                    fields[3].u.mem.size = key?.count ?? 0
                    fields[4].vtype = RD_KAFKA_VTYPE_MSGFLAGS
                    fields[4].u.i = RD_KAFKA_MSG_F_COPY
                    fields[5].vtype = RD_KAFKA_VTYPE_OPAQUE
                    fields[5].u.ptr = opaque
                    if let headers {
                        var field = rd_kafka_vu_t()
                        field.vtype = RD_KAFKA_VTYPE_HEADERS
                        field.u.headers = headers
                        fields.append(field)
                    }
                    return rd_kafka_produceva(handle, fields, fields.count)
                }
            }
        }
        guard let error else { return true }
        // Refused: librdkafka kept neither the opaque nor the headers.
        Unmanaged<DeliveryWaiter>.fromOpaque(opaque).release()
        if let headers { rd_kafka_headers_destroy(headers) }
        if rd_kafka_error_code(error) == RD_KAFKA_RESP_ERR__QUEUE_FULL {
            rd_kafka_error_destroy(error)
            return false
        }
        throw KafkaError(error: error, context: "cannot produce to \(record.topic)")
    }

    /// Fetches the metadata of `topics` now (blocking). librdkafka otherwise learns the partitions of a topic
    /// it has not produced to only at its next once-a-second topic scan, which holds up the first records.
    /// Throws when the cluster reports an error for a topic.
    func prepare(topics: [String], timeoutMilliseconds: Int32) throws(KafkaError) {
        guard state.withLock({ $0 == .running }) else {
            throw KafkaError(kind: .closed, message: "the producer is closed")
        }
        for topic in topics {
            let handle: OpaquePointer? = preparedTopics.withLock { prepared in
                if let existing = prepared[topic] { return existing }
                let created = rd_kafka_topic_new(self.handle, topic, nil)
                if let created { prepared[topic] = created }
                return created
            }
            guard let handle else { throw KafkaError(kind: .client, message: "cannot create a handle for topic \(topic)") }
            let partitions = try RDKafkaMetadata.partitionCount(
                handle: self.handle, topicHandle: handle, topic: topic, timeoutMilliseconds: timeoutMilliseconds)
            if partitions == 0 { throw KafkaError(kind: .client, message: "topic \(topic) has no partitions") }
        }
    }

    /// Waits (blocking) until every queued record has a delivery report, or the timeout passes.
    func flush(timeoutMilliseconds: Int32) throws(KafkaError) {
        let result = rd_kafka_flush(handle, timeoutMilliseconds)
        if result != RD_KAFKA_RESP_ERR_NO_ERROR {
            throw KafkaError(code: result, context: "flush: \(rd_kafka_outq_len(handle)) records still undelivered")
        }
    }

    /// Flushes, stops the poll thread and destroys the handle. Blocking; idempotent.
    func close(timeoutMilliseconds: Int32) throws(KafkaError) {
        let proceed = state.withLock { state -> Bool in
            guard state == .running else { return false }
            state = .closing
            return true
        }
        guard proceed else { return }
        // Flushing serves the delivery callbacks itself; the poll thread stops at its next turn.
        let flushResult = rd_kafka_flush(handle, timeoutMilliseconds)
        pollThreadDone.wait()
        let undelivered = rd_kafka_outq_len(handle)
        if undelivered > 0 {
            // Fail the waiters of records that never got a report: purge makes librdkafka report them.
            _ = rd_kafka_purge(handle, Int32(RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT))
            rd_kafka_poll(handle, 0)
        }
        destroyPreparedTopics()
        rd_kafka_destroy(handle)
        handle = nil
        state.withLock { $0 = .closed }
        if flushResult != RD_KAFKA_RESP_ERR_NO_ERROR {
            throw KafkaError(code: flushResult, context: "close: \(undelivered) records were not delivered")
        }
    }
}

private func withOptionalBytes<R>(_ bytes: [UInt8]?, _ body: (UnsafeRawBufferPointer?) -> R) -> R {
    guard let bytes else { return body(nil) }
    return bytes.withUnsafeBytes { body($0) }
}
