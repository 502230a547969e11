import Foundation
import Logging
import ShopLookCore
import ShopLookKafka
import ShopLookPostgres

/// Sends poison input to the stage's dead-letter topic and records it in PostgreSQL (`dead_letters`).
///
/// The envelope carries the original key and at most `payloadLimit` bytes of the payload, with the whole
/// payload's size and SHA-256; headers name the error, its kind, the stage and the source topic, partition
/// and offset. Both writes are idempotent (the row is keyed by stage and source offset), so a replay after a
/// crash changes nothing.
///
/// A dead-letter topic that refuses the envelope for good (a permanent producer error) does not stop the
/// stage: the row is still written, with the refusal appended to its error, and logged. Transient errors of
/// either write are thrown, for the worker to retry.
public struct DeadLetterWriter: DeadLetterSink {
    public let stage: String
    public let topic: String
    public let payloadLimit: Int
    let producer: any StageRecordSink
    let pool: PostgresPool
    let codec: MessageCodec
    let logger: Logger

    public init(
        stage: String, topic: String, payloadLimit: Int = 64 << 10, producer: any StageRecordSink, pool: PostgresPool,
        codec: MessageCodec, logger: Logger
    ) {
        self.stage = stage
        self.topic = topic
        self.payloadLimit = payloadLimit
        self.producer = producer
        self.pool = pool
        self.codec = codec
        self.logger = logger
    }

    public func write(_ letter: DeadLetter) async throws {
        let payload = DeadLetterPayload(letter.source.value, limit: payloadLimit)
        var recordedError = letter.error
        do {
            _ = try await producer.send([try record(letter, payload: payload)])
        } catch where FailureClassification(error) == .permanent {
            let source = letter.source
            logger.error("dead-letter topic \(topic) refused \(source.topic)[\(source.partition)]@\(source.offset): \(error); recorded in PostgreSQL only")
            recordedError += " (dead-letter topic \(topic) refused it: \(error))"
        }
        try await insertRow(letter, payload: payload, error: recordedError)
    }

    private func record(_ letter: DeadLetter, payload: DeadLetterPayload) throws -> KafkaRecord {
        let source = letter.source
        let envelope = DeadLetterEnvelope(
            stage: stage, sourceTopic: source.topic, partition: Int(source.partition), offset: source.offset,
            key: source.key.map { Data($0) }, payload: Data(payload.kept), payloadTruncated: payload.truncated,
            payloadSize: payload.size, payloadSHA256: payload.sha256, error: letter.error, errorKind: letter.reason, failedAt: Date())
        let headers = [
            KafkaHeader(name: "error", string: String(letter.error.prefix(1000))),
            KafkaHeader(name: "error_kind", string: letter.reason.rawValue),
            KafkaHeader(name: "stage", string: stage),
            KafkaHeader(name: "source_topic", string: source.topic),
            KafkaHeader(name: "source_partition", string: String(source.partition)),
            KafkaHeader(name: "source_offset", string: String(source.offset)),
            KafkaHeader(name: "payload_sha256", string: payload.sha256),
        ]
        return KafkaRecord(topic: topic, key: source.key, value: try codec.encode(envelope), headers: headers)
    }

    private func insertRow(_ letter: DeadLetter, payload: DeadLetterPayload, error: String) async throws {
        let source = letter.source
        try await pool.retrying { connection in
            _ = try await connection.execute(
                """
                INSERT INTO dead_letters (stage, source_topic, source_partition, source_offset, message_key, payload, error,
                                          error_kind, payload_size, payload_sha256, payload_truncated)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
                ON CONFLICT (stage, source_topic, source_partition, source_offset) DO NOTHING
                """,
                [stage, source.topic, Int(source.partition), source.offset, source.key, payload.kept, error,
                 letter.reason.rawValue, payload.size, payload.sha256, payload.truncated])
        }
    }
}

/// What a dead letter keeps of a payload: at most `limit` bytes, and the whole payload's size and digest.
struct DeadLetterPayload: Sendable, Equatable {
    var kept: [UInt8]
    var size: Int
    var sha256: String
    var truncated: Bool

    init(_ bytes: [UInt8], limit: Int) {
        truncated = bytes.count > limit
        kept = truncated ? Array(bytes.prefix(limit)) : bytes
        size = bytes.count
        sha256 = SHA256.hexDigest(bytes)
    }
}
