import Foundation
import Logging
import ShopLookBlobStore
import ShopLookCore
import ShopLookKafka
import ShopLookPipeline
import ShopLookStreaming
import ShopLookPose
import ShopLookPostgres
import ShopLookRuntimes
import ShopLookTestSupport
import Testing

/// The pose stage on real BlazePose models, real photos (the fetched test data), a real broker and PostgreSQL.
@Suite(.serialized, .requiresDatabase, .requiresBroker, .requiresModels) struct PoseStageTests {
    let logger: Logger = {
        var logger = Logger(label: "pose-stage-test")
        logger.logLevel = .error
        return logger
    }()

    @Test func keepsProductPhotosRejectsPartialShotsAndDeadLettersBadImages() async throws {
        let models = TestModelFiles.files
        let testdata = TestModelFiles.testdata
        let topics = ShopLookTopics(prefix: "pose.")
        let broker = try await TestBroker(topics: [topics.newImage: 2, topics.poseFiltered: 2, topics.deadLetter(for: .pose): 1])
        defer { broker.stop() }
        let blobs = FileManager.default.temporaryDirectory.appendingPathComponent("pose-blobs-\(UUID())")
        try await TestDatabase.withMigratedSchema { schema in
            let pool = PostgresPool(configuration: try schema.configuration(), maximumConnections: 2, logger: logger)
            let store = try FileBlobStore(root: blobs)
            let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(kafka: broker.kafkaConfiguration()), logger: logger)
            let codec = try MessageCodec()

            let cat = [UInt8](try Data(contentsOf: testdata.appendingPathComponent("chelsea.jpg")))
            let astronaut = [UInt8](try Data(contentsOf: testdata.appendingPathComponent("astronaut.jpg")))
            let coffeePNG = [UInt8](try Data(contentsOf: testdata.appendingPathComponent("coffee.png")))
            let truncated = Array(cat.prefix(600))
            var ids: [String: String] = [:]
            for (name, bytes) in [("cat", cat), ("astronaut", astronaut), ("truncated", truncated), ("coffee.png", coffeePNG)] {
                let key = try await store.put(bytes)
                ids[name] = key.rawValue
                try await pool.withConnection { connection in
                    _ = try await connection.execute(
                        "INSERT INTO images (image_id, blob_key, source, byte_size) VALUES ($1, $1, 'catalog', $2)", [key.rawValue, bytes.count])
                }
            }
            let missing = SHA256.hexDigest(Array("never stored".utf8))
            for imageID in [ids["cat"]!, ids["astronaut"]!, ids["truncated"]!, ids["coffee.png"]!, missing] {
                let message = NewImageMessage(imageID: imageID, blobKey: imageID, source: .catalog, byteSize: 1, uploadedAt: Date())
                _ = try await producer.send(KafkaRecord(topic: topics.newImage, key: Array(imageID.utf8), value: try codec.encode(message)))
            }

            let processor = PoseStageProcessor(pose: try PoseService(files: models), store: store, pool: pool, codec: codec, topics: topics)
            let worker = StageWorker(
                configuration: StageWorkerConfiguration(stage: .pose, topics: topics, consumer: broker.consumerConfiguration(group: "pose")),
                processor: processor, producer: producer, pool: pool, codec: codec, logger: logger)
            let running = Task { try await worker.run() }
            let reader = try KafkaConsumer(
                configuration: broker.consumerConfiguration(group: "reader"), topics: [topics.poseFiltered, topics.deadLetter(for: .pose)],
                logger: logger)
            let (kept, deadLetters) = try await withTimeout(.seconds(90), "pose outputs") {
                var kept: [PoseFilteredMessage] = []
                var deadLetters: [String] = []
                while kept.count < 2 || deadLetters.count < 2, let record = try await reader.next() {
                    if record.topic == topics.poseFiltered {
                        kept.append(try codec.decode(PoseFilteredMessage.self, from: record.value))
                    } else {
                        deadLetters.append(record.header("error_kind")?.stringValue ?? "")
                    }
                }
                return (kept, deadLetters)
            }
            worker.stop()
            try await running.value

            #expect(Set(kept.map(\.imageID)) == [ids["cat"]!, ids["coffee.png"]!])   // PNG uploads are read too
            #expect(kept.allSatisfy { $0.kind == .product && $0.verdict == .noPerson && $0.landmarks == nil && $0.regions == nil })
            let catMessage = kept.first { $0.imageID == ids["cat"]! }
            #expect(catMessage?.imageWidth == 451 && catMessage?.imageHeight == 300)
            #expect(deadLetters.sorted() == ["missing_blob", "undecodable_image"])

            let rows = try await pool.withConnection { connection in
                try await connection.query(
                    """
                    SELECT i.image_id, i.state, i.state_reason, p.verdict, p.people, octet_length(p.landmarks)
                    FROM images i LEFT JOIN pose_results p USING (image_id) ORDER BY i.image_id
                    """)
            }
            var byImage: [String: (String, String?, String?, Int?, Int?)] = [:]
            for row in rows {
                byImage[try row.decode(String.self, at: 0)] = (
                    try row.decode(String.self, at: 1), try row.decode(String?.self, at: 2), try row.decode(String?.self, at: 3),
                    try row.decode(Int?.self, at: 4), try row.decode(Int?.self, at: 5))
            }
            #expect(byImage[ids["cat"]!]?.0 == "pose_filtered" && byImage[ids["cat"]!]?.2 == "no_person")
            let person = byImage[ids["astronaut"]!]
            #expect(person?.0 == "rejected" && person?.2 == "partial" && person?.3 == 1 && person?.4 == 33 * 5 * 4)
            #expect(person?.1?.contains("partial") == true)
            #expect(byImage[ids["truncated"]!]?.2 == nil, "dead-lettered: no pose result")
            #expect(byImage[ids["truncated"]!]?.0 == "dead_lettered")
            #expect(byImage[ids["truncated"]!]?.1?.hasPrefix("undecodable_image") == true)
            try await reader.close()
            try await producer.close()
            await pool.close()
        }
        try? FileManager.default.removeItem(at: blobs)
    }
}
