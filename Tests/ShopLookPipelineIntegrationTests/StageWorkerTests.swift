import Foundation
import Logging
import ShopLookCore
import ShopLookKafka
@testable import ShopLookPipeline
import ShopLookStreaming
import ShopLookPostgres
import ShopLookTestSupport
import Synchronization
import Testing

/// A processor standing in for a real stage: forwards good inputs, and misbehaves on purpose for inputs
/// whose product id says so. Dead letters the worker decides itself end their image as the catalog stages do.
final class ScriptedProcessor: StageProcessor {
    struct Outage: ClassifiedError { var classification: FailureClassification { .transient } }
    struct Bug: Error, CustomStringConvertible { var description: String { "bug: cannot handle this input" } }

    let outputTopic: String
    let pool: PostgresPool

    init(outputTopic: String, pool: PostgresPool) {
        self.outputTopic = outputTopic
        self.pool = pool
    }

    func recordDeadLetter(_ letter: DeadLetter, document: JSONValue?) async throws {
        try await ImageStates.record(letter, document: document, stage: .pose, pool: pool)
    }

    /// Transient failures still to throw (a database "outage" at the start).
    let outagesLeft = Mutex(3)
    let attempts = Mutex(0)

    func process(_ inputs: [StageInput<NewImageMessage>]) async throws -> [StageOutcome] {
        attempts.withLock { $0 += 1 }
        if outagesLeft.withLock({ left in defer { left = max(0, left - 1) }; return left > 0 }) { throw Outage() }
        if inputs.contains(where: { $0.message.productID == "bug" }) { throw Bug() }
        return inputs.map { input in
            if input.message.productID == "poison" { return .deadLetter(.undecodableImage, "not a JPEG (starts with 'GIF8')") }
            if input.message.productID == "rejected" { return .finished }
            return .forward([KafkaRecord(topic: outputTopic, key: input.key, value: Array(input.message.imageID.utf8))])
        }
    }
}

@Suite(.serialized, .requiresDatabase, .requiresBroker) struct StageWorkerTests {
    let logger: Logger = {
        var logger = Logger(label: "pipeline-test")
        logger.logLevel = .error
        return logger
    }()

    func image(_ index: Int, product: String) -> NewImageMessage {
        let id = SHA256.hexDigest(Array("image \(index)".utf8))
        return NewImageMessage(imageID: id, blobKey: id, source: .catalog, productID: product, byteSize: 100, uploadedAt: Date())
    }

    @Test func forwardsGoodInputsDeadLettersPoisonAndRetriesOutages() async throws {
        let topics = ShopLookTopics(prefix: "t1.")
        let broker = try await TestBroker(topics: [topics.newImage: 2, topics.poseFiltered: 2, topics.deadLetter(for: .pose): 1])
        defer { broker.stop() }
        try await TestDatabase.withMigratedSchema { schema in
            let pool = PostgresPool(configuration: try schema.configuration(), maximumConnections: 2, logger: logger)
            let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(kafka: broker.kafkaConfiguration()), logger: logger)
            let codec = try MessageCodec()

            var good: Set<String> = []
            var records: [KafkaRecord] = []
            for index in 0..<40 {
                let product = index == 5 ? "poison" : index == 11 ? "bug" : index == 17 ? "rejected" : "ok\(index)"
                let message = image(index, product: product)
                if product.hasPrefix("ok") { good.insert(message.imageID) }
                records.append(KafkaRecord(topic: topics.newImage, key: Array(message.imageID.utf8), value: try codec.encode(message)))
            }
            // Three messages no codec accepts: two violate the schema (one names a known image, which then ends
            // dead-lettered), one is not JSON at all.
            records.insert(KafkaRecord(topic: topics.newImage, partition: 0, value: Array(#"{"version":1,"image_id":"nope"}"#.utf8)), at: 20)
            let named = SHA256.hexDigest(Array("named but invalid".utf8))
            try await pool.withConnection { connection in
                _ = try await connection.execute(
                    "INSERT INTO images (image_id, blob_key, source, byte_size) VALUES ($1, $1, 'catalog', 1)", [named])
            }
            records.insert(KafkaRecord(topic: topics.newImage, partition: 1, value: Array(#"{"version":1,"image_id":"\#(named)"}"#.utf8)), at: 25)
            records.insert(KafkaRecord(topic: topics.newImage, partition: 1, value: Array("\u{1}garbage".utf8)), at: 30)
            // And one over the worker's byte cap: dead-lettered unread, its payload cut to the dead-letter limit.
            let oversize = Array(repeating: UInt8(ascii: "x"), count: 200_000)
            records.insert(KafkaRecord(topic: topics.newImage, partition: 0, value: oversize), at: 35)
            _ = try await producer.send(records)

            var configuration = StageWorkerConfiguration(
                stage: .pose, topics: topics, consumer: broker.consumerConfiguration(group: "pose-workers"))
            configuration.initialRetryDelay = .milliseconds(20)
            configuration.maximumMessageBytes = 100_000
            let processor = ScriptedProcessor(outputTopic: topics.poseFiltered, pool: pool)
            let consumerBox = Mutex<KafkaConsumer?>(nil)
            let worker = StageWorker(
                configuration: configuration, processor: processor, producer: producer, pool: pool, codec: codec, logger: logger,
                onConsumerCreated: { consumer in consumerBox.withLock { $0 = consumer } })
            let running = Task { try await worker.run() }

            // Read the outputs and the dead letters as a downstream consumer would.
            let reader = try KafkaConsumer(
                configuration: broker.consumerConfiguration(group: "reader"), topics: [topics.poseFiltered, topics.deadLetter(for: .pose)],
                logger: logger)
            let expectedCount = good.count
            let (forwarded, deadLetters) = try await withTimeout(.seconds(60), "outputs and dead letters arrive") {
                var forwarded: [String] = []
                var deadLetters: [KafkaMessage] = []
                while forwarded.count < expectedCount || deadLetters.count < 6 {
                    guard let message = try await reader.next() else { break }
                    if message.topic == topics.poseFiltered {
                        forwarded.append(String(decoding: message.value, as: UTF8.self))
                    } else {
                        deadLetters.append(message)
                    }
                }
                return (forwarded, deadLetters)
            }
            #expect(forwarded.count == good.count)
            #expect(Set(forwarded) == good)
            let kinds = deadLetters.compactMap { $0.header("error_kind")?.stringValue }.sorted()
            #expect(kinds == ["invalid_message", "limit_exceeded", "processing_failed", "schema_violation", "schema_violation", "undecodable_image"])
            for letter in deadLetters {
                #expect(letter.header("stage")?.stringValue == "pose")
                #expect(letter.header("source_topic")?.stringValue == topics.newImage)
                let envelope = try codec.decode(DeadLetterEnvelope.self, from: letter.value)
                #expect(envelope.offset == Int64(letter.header("source_offset")!.stringValue!)!)
                #expect(!envelope.payload.isEmpty)
                #expect(envelope.payloadSHA256 == letter.header("payload_sha256")?.stringValue)
                if letter.header("error_kind")?.stringValue == "limit_exceeded" {
                    #expect(envelope.payloadTruncated == true && envelope.payloadSize == 200_000 && envelope.payload.count == 64 << 10)
                    #expect(envelope.payloadSHA256 == SHA256.hexDigest(oversize))
                } else {
                    #expect(envelope.payloadTruncated == false && envelope.payloadSize == envelope.payload.count)
                }
            }
            // The outages were retried, never dead-lettered; the bug was isolated to its own input.
            #expect(processor.attempts.withLock { $0 } > 3)

            let rows = try await pool.withConnection { connection in
                try await connection.query("SELECT error_kind, source_offset FROM dead_letters WHERE stage = 'pose' ORDER BY error_kind")
            }
            #expect(try rows.map { try $0.decode(String.self, at: 0) } == kinds)
            let oversizeRow = try await pool.withConnection { connection in
                try await connection.query(
                    "SELECT octet_length(payload), payload_size, payload_truncated FROM dead_letters WHERE error_kind = 'limit_exceeded'")[0]
            }
            #expect(try oversizeRow.decode(Int.self, at: 0) == 64 << 10 && oversizeRow.decode(Int.self, at: 1) == 200_000)
            #expect(try oversizeRow.decode(Bool.self, at: 2))

            let namedState = try await pool.withConnection { connection in
                try await connection.query("SELECT state, state_reason FROM images WHERE image_id = $1", [named])[0]
            }
            #expect(try namedState.decode(String.self, at: 0) == "dead_lettered")
            #expect(try namedState.decode(String.self, at: 1).hasPrefix("schema_violation: pose: "))

            // Everything is committed once the worker has drained: a graceful stop commits and leaves.
            worker.stop()
            try await running.value
            let partitions = [KafkaTopicPartition(topic: topics.newImage, partition: 0), KafkaTopicPartition(topic: topics.newImage, partition: 1)]
            let committed = try await reader.committedOffsets(partitions)
            #expect(committed.isEmpty, "the reader's own group committed nothing on new-image")
            let inspector = try KafkaConsumer(
                configuration: broker.consumerConfiguration(group: "pose-workers"), topics: [topics.newImage], logger: logger)
            let workerOffsets = try await inspector.committedOffsets(partitions)
            #expect(workerOffsets.values.reduce(0, +) == Int64(records.count))
            try await inspector.close()
            try await reader.close()
            try await producer.close()
            await pool.close()
        }
    }
}
