import CRDKafka
import Logging

/// Builds an `rd_kafka_conf_t`, turning every rejected property into a configuration error.
enum RDKafkaConfig {
    /// Errors name the rejected property's key but never its value, which may be a secret
    /// (`sasl.password`, `ssl.key.password`) and errors reach the logs; librdkafka's own reason, which
    /// quotes the value ("Invalid value \"…\" for configuration property …"), is passed on with the value
    /// replaced by `<redacted>`.
    static func make(_ properties: [(String, String)]) throws(KafkaError) -> OpaquePointer {
        guard let conf = rd_kafka_conf_new() else {
            throw KafkaError(kind: .configuration, message: "rd_kafka_conf_new failed")
        }
        var errorBuffer = [CChar](repeating: 0, count: 512)
        for (key, value) in properties {
            let result = rd_kafka_conf_set(conf, key, value, &errorBuffer, errorBuffer.count)
            guard result == RD_KAFKA_CONF_OK else {
                rd_kafka_conf_destroy(conf)
                let reason = redacting(value, in: String(cBuffer: errorBuffer))
                let what = result == RD_KAFKA_CONF_UNKNOWN ? "unknown Kafka property" : "invalid value for Kafka property"
                throw KafkaError(kind: .configuration, message: "\(what) \(key) (value not shown): \(reason)")
            }
        }
        return conf
    }

    /// `text` with every occurrence of `value` replaced by `<redacted>`.
    static func redacting(_ value: String, in text: String) -> String {
        value.isEmpty ? text : text.replacing(value, with: "<redacted>")
    }

    /// Creates a client handle; on failure librdkafka has not taken the configuration, so it is destroyed.
    ///
    /// `properties` are those `conf` was made from: librdkafka checks some values only here (an unsupported
    /// `sasl.mechanisms`, say) and may quote them, so the values of secret properties
    /// (``isSecret(_:)``) are replaced by `<redacted>` in the error.
    static func newClient(
        type: rd_kafka_type_t, conf: OpaquePointer, properties: [(String, String)]
    ) throws(KafkaError) -> OpaquePointer {
        var errorBuffer = [CChar](repeating: 0, count: 512)
        guard let handle = rd_kafka_new(type, conf, &errorBuffer, errorBuffer.count) else {
            rd_kafka_conf_destroy(conf)
            let reason = properties.filter { isSecret($0.0) }.reduce(String(cBuffer: errorBuffer)) { redacting($1.1, in: $0) }
            throw KafkaError(kind: .configuration, message: "cannot create Kafka client: \(reason)")
        }
        return handle
    }

    /// Whether a librdkafka property holds a secret (passwords, private keys, OAuth and JAAS settings).
    static func isSecret(_ key: String) -> Bool {
        ["password", "secret", "key", "pem", "token", "oauthbearer.config", "jaas"].contains { key.lowercased().contains($0) }
    }
}

extension KafkaError {
    /// An error from a response code.
    init(code: rd_kafka_resp_err_t, context: String, file: String = #fileID, line: Int = #line) {
        let retriable = code == RD_KAFKA_RESP_ERR__TRANSPORT || code == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN
            || code == RD_KAFKA_RESP_ERR__TIMED_OUT || code == RD_KAFKA_RESP_ERR__MSG_TIMED_OUT
            || code == RD_KAFKA_RESP_ERR__QUEUE_FULL || code == RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT
            || code == RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION || code == RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE
            || code == RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS || code == RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE
            || code == RD_KAFKA_RESP_ERR_NOT_COORDINATOR || code == RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS
            || code == RD_KAFKA_RESP_ERR__WAIT_COORD || code == RD_KAFKA_RESP_ERR_NETWORK_EXCEPTION
        self.init(
            kind: code == RD_KAFKA_RESP_ERR__FATAL ? .fatal : .client,
            code: code.rawValue,
            codeName: String(cString: rd_kafka_err2name(code)),
            message: "\(context): \(String(cString: rd_kafka_err2str(code)))",
            isRetriable: retriable, file: file, line: line)
    }

    /// An error from an `rd_kafka_error_t`, which is destroyed.
    init(error: OpaquePointer, context: String, file: String = #fileID, line: Int = #line) {
        let code = rd_kafka_error_code(error)
        self.init(
            kind: rd_kafka_error_is_fatal(error) != 0 ? .fatal : .client,
            code: code.rawValue,
            codeName: String(cString: rd_kafka_error_name(error)),
            message: "\(context): \(String(cString: rd_kafka_error_string(error)))",
            isRetriable: rd_kafka_error_is_retriable(error) != 0
                || KafkaError(code: code, context: "").isRetriable,
            file: file, line: line)
        rd_kafka_error_destroy(error)
    }
}

/// What a client's C callbacks reach through `rd_kafka_opaque`: the logger and, for consumers, the
/// rebalance coordinator. Lives as long as the handle (the owner releases it after `rd_kafka_destroy`).
class RDKafkaClientContext: @unchecked Sendable {
    let logger: Logger

    init(logger: Logger) {
        self.logger = logger
    }

    /// Routes librdkafka's log lines to swift-log.
    static let logCallback: @convention(c) (OpaquePointer?, Int32, UnsafePointer<CChar>?, UnsafePointer<CChar>?) -> Void = {
        handle, level, facility, text in
        guard let handle, let opaque = rd_kafka_opaque(handle) else { return }
        let context = Unmanaged<RDKafkaClientContext>.fromOpaque(opaque).takeUnretainedValue()
        let message = "\(facility.map { String(cString: $0) } ?? ""): \(text.map { String(cString: $0) } ?? "")"
        // syslog levels: 0–3 error, 4 warning, 5–6 notice/info, 7 debug.
        let swiftLevel: Logger.Level = level <= 3 ? .error : level == 4 ? .warning : level <= 6 ? .info : .debug
        context.logger.log(level: swiftLevel, "\(message)", metadata: ["component": "librdkafka"])
    }

    static let errorCallback: @convention(c) (OpaquePointer?, Int32, UnsafePointer<CChar>?, UnsafeMutableRawPointer?) -> Void = {
        _, code, reason, opaque in
        guard let opaque else { return }
        let context = Unmanaged<RDKafkaClientContext>.fromOpaque(opaque).takeUnretainedValue()
        let error = rd_kafka_resp_err_t(rawValue: code)
        let name = String(cString: rd_kafka_err2name(error))
        let text = reason.map { String(cString: $0) } ?? ""
        // Transport errors and "all brokers down" are transient: librdkafka reconnects by itself.
        context.logger.warning("\(name): \(text)", metadata: ["component": "librdkafka"])
    }

    /// Overridden by consumers; the rebalance callback reaches it through the opaque.
    func handleRebalance(_ error: rd_kafka_resp_err_t, _ list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) {}

    func install(on conf: OpaquePointer) {
        rd_kafka_conf_set_opaque(conf, Unmanaged.passUnretained(self).toOpaque())
        rd_kafka_conf_set_log_cb(conf, RDKafkaClientContext.logCallback)
        rd_kafka_conf_set_error_cb(conf, RDKafkaClientContext.errorCallback)
    }
}

/// Topic metadata requests.
enum RDKafkaMetadata {
    /// The partition count of `topic` (whose handle `topicHandle` belongs to `handle`), from a metadata request
    /// (blocking). librdkafka also applies the answer to the client's own view of the topic.
    static func partitionCount(
        handle: OpaquePointer, topicHandle: OpaquePointer, topic: String, timeoutMilliseconds: Int32
    ) throws(KafkaError) -> Int {
        var metadata: UnsafePointer<rd_kafka_metadata>?
        let result = rd_kafka_metadata(handle, 0, topicHandle, &metadata, timeoutMilliseconds)
        guard result == RD_KAFKA_RESP_ERR_NO_ERROR, let metadata else { throw KafkaError(code: result, context: "metadata of \(topic)") }
        defer { rd_kafka_metadata_destroy(metadata) }
        guard metadata.pointee.topic_cnt == 1 else { throw KafkaError(kind: .client, message: "no metadata for topic \(topic)") }
        let entry = metadata.pointee.topics[0]
        if entry.err != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaError(code: entry.err, context: "topic \(topic)") }
        return Int(entry.partition_cnt)
    }
}

/// Conversions between Swift partitions and `rd_kafka_topic_partition_list_t`.
enum RDKafkaPartitionList {
    /// A new list; the caller destroys it with `rd_kafka_topic_partition_list_destroy`.
    static func make(_ partitions: [(KafkaTopicPartition, Int64)]) -> UnsafeMutablePointer<rd_kafka_topic_partition_list_t> {
        let list = rd_kafka_topic_partition_list_new(Int32(partitions.count))!
        for (tp, offset) in partitions {
            let element = rd_kafka_topic_partition_list_add(list, tp.topic, tp.partition)!
            element.pointee.offset = offset
        }
        return list
    }

    static func make(_ partitions: [KafkaTopicPartition]) -> UnsafeMutablePointer<rd_kafka_topic_partition_list_t> {
        make(partitions.map { ($0, Int64(RD_KAFKA_OFFSET_INVALID)) })
    }

    /// The group's committed offsets for these partitions (a round trip to the group coordinator);
    /// partitions without a committed offset are left out.
    static func committed(
        handle: OpaquePointer, _ partitions: [KafkaTopicPartition], timeoutMilliseconds: Int32
    ) throws(KafkaError) -> [KafkaTopicPartition: Int64] {
        let list = make(partitions)
        defer { rd_kafka_topic_partition_list_destroy(list) }
        let result = rd_kafka_committed(handle, list, timeoutMilliseconds)
        if result != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaError(code: result, context: "committed offsets") }
        var offsets: [KafkaTopicPartition: Int64] = [:]
        for element in elements(list) where element.offset >= 0 {
            offsets[element.partition] = element.offset
        }
        return offsets
    }

    static func elements(
        _ list: UnsafePointer<rd_kafka_topic_partition_list_t>
    ) -> [(partition: KafkaTopicPartition, offset: Int64, error: rd_kafka_resp_err_t)] {
        (0..<Int(list.pointee.cnt)).map { index in
            let element = list.pointee.elems[index]
            return (KafkaTopicPartition(topic: String(cString: element.topic), partition: element.partition),
                    element.offset, element.err)
        }
    }
}

extension String {
    /// The NUL-terminated text in a C character buffer that librdkafka filled.
    init(cBuffer: [CChar]) {
        self.init(decoding: cBuffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
