import Foundation
import Logging
import ShopLookCore
import ShopLookKafka
import ShopLookPostgres

/// Sends poison input to the stage's dead-letter topic and records it in PostgreSQL (`dead_letters`).
///
/// The envelope carries the original bytes; headers name the error, its kind, the stage and the source
/// topic, partition and offset. Both writes are idempotent (the row is keyed by stage and source offset),
/// so a replay after a crash changes nothing.
public struct DeadLetterWriter: Sendable {
    public let stage: PipelineStage
    public let topic: String
    let producer: KafkaProducer
    let pool: PostgresPool
    let codec: MessageCodec

    public init(stage: PipelineStage, topic: String, producer: KafkaProducer, pool: PostgresPool, codec: MessageCodec) {
        self.stage = stage
        self.topic = topic
        self.producer = producer
        self.pool = pool
        self.codec = codec
    }

    /// Dead-letters `message`; with an `imageID`, also sets that image `dead_lettered` (when it is still in
    /// flight) with the stage and the error as the reason.
    public func write(_ message: KafkaMessage, reason: DeadLetterReason, error: String, imageID: String? = nil) async throws {
        let envelope = DeadLetterEnvelope(
            stage: stage, sourceTopic: message.topic, partition: Int(message.partition), offset: message.offset,
            key: message.key.map { Data($0) }, payload: Data(message.value), error: error, errorKind: reason,
            failedAt: Date())
        let headers = [
            KafkaHeader(name: "error", string: String(error.prefix(1000))),
            KafkaHeader(name: "error_kind", string: reason.rawValue),
            KafkaHeader(name: "stage", string: stage.rawValue),
            KafkaHeader(name: "source_topic", string: message.topic),
            KafkaHeader(name: "source_partition", string: String(message.partition)),
            KafkaHeader(name: "source_offset", string: String(message.offset)),
        ]
        _ = try await producer.send(
            KafkaRecord(topic: topic, key: message.key, value: try codec.encode(envelope), headers: headers))
        try await pool.retrying { connection in
            _ = try await connection.execute(
                """
                INSERT INTO dead_letters (stage, source_topic, source_partition, source_offset, message_key, payload, error, error_kind)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                ON CONFLICT (stage, source_topic, source_partition, source_offset) DO NOTHING
                """,
                [stage.rawValue, message.topic, Int(message.partition), message.offset, message.key, message.value,
                 error, reason.rawValue])
        }
        if let imageID {
            try await ImageStates.markDeadLettered(
                imageID: imageID, reason, "\(stage.rawValue): \(error)", from: ImageStates.inFlight, pool: pool)
        }
    }
}
