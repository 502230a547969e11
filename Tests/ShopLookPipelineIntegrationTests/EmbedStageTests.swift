import Foundation
import Logging
import ShopLookBlobStore
import ShopLookCore
import ShopLookImaging
import ShopLookKafka
import ShopLookPipeline
import ShopLookStreaming
import ShopLookPostgres
import ShopLookTestSupport
import ShopLookRuntimes
import ShopLookVision
import Testing

/// The embed stage on the real model, a real broker and PostgreSQL.
@Suite(.serialized, .requiresDatabase, .requiresBroker, .requiresModels) struct EmbedStageTests {
    let logger: Logger = {
        var logger = Logger(label: "embed-stage-test")
        logger.logLevel = .error
        return logger
    }()

    @Test func embedsArticlesOncePerModelVersionOnTheirShardsPartition() async throws {
        let topics = ShopLookTopics(prefix: "embed.")
        let broker = try await TestBroker(topics: [topics.croppedArticles: 2, topics.embedded: 4, topics.deadLetter(for: .embed): 1])
        defer { broker.stop() }
        let blobs = FileManager.default.temporaryDirectory.appendingPathComponent("embed-blobs-\(UUID())")
        try await TestDatabase.withMigratedSchema { schema in
            let pool = PostgresPool(configuration: try schema.configuration(), maximumConnections: 2, logger: logger)
            let store = try FileBlobStore(root: blobs)
            let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(kafka: broker.kafkaConfiguration()), logger: logger)
            let codec = try MessageCodec()

            // Two images with two and one articles, and a third whose crop is missing from the blob store. The first
            // image's second article (a real photo) comes unnamed, under a placeholder no classifier gives.
            let photo = try Data(contentsOf: TestModelFiles.files.directory.appendingPathComponent("testdata/astronaut.jpg"))
            var messages: [CroppedArticlesMessage] = []
            for image in 0..<3 {
                let imageID = SHA256.hexDigest(Array("image \(image)".utf8))
                try await pool.withConnection { connection in
                    _ = try await connection.execute(
                        "INSERT INTO images (image_id, blob_key, source, byte_size, state) VALUES ($1, $1, 'catalog', 10, 'cropped')", [imageID])
                }
                var articles: [Article] = []
                for ordinal in 0..<(image == 0 ? 2 : 1) {
                    let unnamed = image == 0 && ordinal == 1
                    let bytes = unnamed ? [UInt8](photo) : try TestImages.crop(seed: image * 2 + ordinal)
                    let key = image == 2 ? SHA256.hexDigest(Array("missing".utf8)) : try await store.put(bytes).rawValue
                    let articleID = SHA256.hexDigest(Array("\(imageID)/upper/\(ordinal)".utf8))
                    try await pool.withConnection { connection in
                        _ = try await connection.execute(
                            """
                            INSERT INTO articles (article_id, image_id, ordinal, super_category, category, x0, y0, x1, y1, score, crop_blob_key)
                            VALUES ($1, $2, $3, 'upper', $5, 0, 0, 120, 160, 0.9, $4)
                            """, [articleID, imageID, ordinal, key, unnamed ? "pending" : "t-shirt"])
                    }
                    articles.append(Article(
                        articleID: articleID, superCategory: .upper, category: unnamed ? "pending" : "t-shirt",
                        box: BoundingBox(x0: 0, y0: 0, x1: 120, y1: 160), score: 0.9, cropBlobKey: key, unnamed: unnamed))
                }
                messages.append(CroppedArticlesMessage(imageID: imageID, source: .catalog, productID: "p\(image)", articles: articles))
            }
            // The first message twice: a replay must not add a vector.
            for message in messages + [messages[0]] {
                _ = try await producer.send(KafkaRecord(topic: topics.croppedArticles, key: Array(message.imageID.utf8), value: try codec.encode(message)))
            }

            let embedder = try ImageEmbedder(models: TestModelFiles.files)
            let processor = EmbedStageProcessor(embedder: embedder, store: store, pool: pool, codec: codec, topics: topics, shardCount: 4)
            let worker = StageWorker(
                configuration: StageWorkerConfiguration(stage: .embed, topics: topics, consumer: broker.consumerConfiguration(group: "embed")),
                processor: processor, producer: producer, pool: pool, codec: codec, logger: logger)
            let running = Task { try await worker.run() }

            let reader = try KafkaConsumer(
                configuration: broker.consumerConfiguration(group: "reader"), topics: [topics.embedded, topics.deadLetter(for: .embed)], logger: logger)
            let (embedded, deadLetters) = try await withTimeout(.seconds(90), "embedded messages") {
                var embedded: [(KafkaMessage, EmbeddedMessage)] = []
                var deadLetters: [KafkaMessage] = []
                // 3 articles, the first message's 2 again after the replay, and one dead letter.
                while embedded.count < 5 || deadLetters.isEmpty, let record = try await reader.next() {
                    if record.topic == topics.embedded {
                        embedded.append((record, try codec.decode(EmbeddedMessage.self, from: record.value)))
                    } else {
                        deadLetters.append(record)
                    }
                }
                return (embedded, deadLetters)
            }
            worker.stop()
            try await running.value

            #expect(Set(embedded.map(\.1.articleID)).count == 3)
            for (record, message) in embedded {
                #expect(Int(record.partition) == message.shard)
                #expect(message.shard == ShardAssignment.shard(forArticleID: message.articleID, shardCount: 4))
                #expect(message.modelVersion == embedder.modelVersion && message.dim == embedder.dimension)
            }
            #expect(deadLetters.first?.header("error_kind")?.stringValue == "missing_blob")

            // The unnamed article is named from the embedder's own centre-crop view: as a separate centre-crop pass
            // of the same model names it. Named articles keep their names.
            let unnamedID = try #require(messages[0].articles.last?.articleID)
            let centre = try await ImageEmbedder(models: TestModelFiles.files, framing: .centerCrop).embed([try ImageDecoder().decode([UInt8](photo))])
            let expected = FineCategoryClassifier().classify(logits: centre[0].logits, superCategory: .upper).category
            #expect(Set(embedded.filter { $0.1.articleID == unnamedID }.map(\.1.category)) == [expected])
            #expect(embedded.filter { $0.1.articleID != unnamedID }.allSatisfy { $0.1.category == "t-shirt" })
            let categories = try await pool.withConnection { connection in
                try await connection.query("SELECT article_id, category FROM articles WHERE image_id <> $1", [messages[2].imageID])
                    .map { (try $0.decode(String.self, at: 0), try $0.decode(String.self, at: 1)) }
            }
            #expect(Dictionary(uniqueKeysWithValues: categories) == Dictionary(uniqueKeysWithValues: messages[0...1].flatMap(\.articles).map {
                ($0.articleID, $0.articleID == unnamedID ? expected : "t-shirt")
            }), "the row of the article named here has its name")

            let rows = try await pool.withConnection { connection in
                try await connection.query("SELECT article_id, dim, vector FROM vectors ORDER BY article_id")
            }
            #expect(rows.count == 3, "one vector per article, none twice")
            for row in rows {
                let vector = try row.decode(Float32Vector.self, at: 2).values
                let dim = try row.decode(Int.self, at: 1)
                #expect(vector.count == embedder.dimension && dim == embedder.dimension)
                #expect(abs(vector.map { $0 * $0 }.reduce(0, +) - 1) < 1e-3)
            }
            let states = try await pool.withConnection { connection in
                try await connection.query("SELECT state, count(*) FROM images GROUP BY state ORDER BY state")
                    .map { "\(try $0.decode(String.self, at: 0))=\(try $0.decode(Int.self, at: 1))" }
            }
            #expect(states == ["dead_lettered=1", "embedded=2"], "the image whose crop is missing ends dead-lettered")
            try await reader.close()
            try await producer.close()
            await pool.close()
        }
        try? FileManager.default.removeItem(at: blobs)
    }
}
