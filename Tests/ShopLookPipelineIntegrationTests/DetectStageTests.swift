import Foundation
import Logging
import ShopLookBlobStore
import ShopLookCore
import ShopLookImaging
import ShopLookKafka
import ShopLookPipeline
import ShopLookStreaming
import ShopLookPostgres
import ShopLookRuntimes
import ShopLookTestSupport
import ShopLookVision
import Testing

/// The detect stage on the real embedder (for the categories), real photos, a real broker and PostgreSQL.
@Suite(.serialized, .requiresDatabase, .requiresBroker, .requiresModels) struct DetectStageTests {
    let logger: Logger = {
        var logger = Logger(label: "detect-stage-test")
        logger.logLevel = .error
        return logger
    }()

    @Test func cropsPersonRegionsAndProductPhotosRejectsWhatHasNoArticleDeadLettersBadImages() async throws {
        let models = TestModelFiles.files
        let testdata = TestModelFiles.testdata
        let topics = ShopLookTopics(prefix: "detect.")
        let broker = try await TestBroker(
            topics: [topics.poseFiltered: 2, topics.croppedArticles: 2, topics.deadLetter(for: .detect): 1])
        defer { broker.stop() }
        let blobs = FileManager.default.temporaryDirectory.appendingPathComponent("detect-blobs-\(UUID())")
        defer { try? FileManager.default.removeItem(at: blobs) }
        try await TestDatabase.withMigratedSchema { schema in
            let pool = PostgresPool(configuration: try schema.configuration(), maximumConnections: 2, logger: logger)
            let store = try FileBlobStore(root: blobs)
            let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(kafka: broker.kafkaConfiguration()), logger: logger)
            let codec = try MessageCodec()

            let astronaut = [UInt8](try Data(contentsOf: testdata.appendingPathComponent("astronaut.jpg")))   // 512×512
            let cat = [UInt8](try Data(contentsOf: testdata.appendingPathComponent("chelsea.jpg")))           // 451×300
            let coffee = [UInt8](try Data(contentsOf: testdata.appendingPathComponent("coffee.jpg")))
            let truncated = Array(cat.prefix(600))
            var ids: [String: String] = [:]
            // The astronaut stands in for a person photo twice (different bytes: one re-encoded), once with no regions.
            let astronautCopy = try JPEGEncoder(quality: 80).encode(try JPEGDecoder().decode(astronaut))
            for (name, bytes) in [("person", astronaut), ("person-without-regions", astronautCopy), ("product", cat),
                                  ("mug", coffee), ("truncated", truncated)] {
                let key = try await store.put(bytes)
                ids[name] = key.rawValue
                try await pool.withConnection { connection in
                    _ = try await connection.execute(
                        "INSERT INTO images (image_id, blob_key, source, byte_size, state) VALUES ($1, $1, 'catalog', $2, 'pose_filtered')",
                        [key.rawValue, bytes.count])
                }
            }
            let missing = SHA256.hexDigest(Array("never stored".utf8))
            let regions = [
                ArticleRegion(superCategory: .upper, box: BoundingBox(x0: 100.4, y0: 250, x1: 420, y1: 512), score: 0.9),
                ArticleRegion(superCategory: .foot, box: BoundingBox(x0: -20, y0: 480, x1: 300, y1: 600), score: 0.6),  // clipped
            ]
            func message(_ name: String, kind: ImageKind, regions: [ArticleRegion]? = nil, category: String? = nil) -> PoseFilteredMessage {
                let id = ids[name] ?? missing
                return PoseFilteredMessage(
                    imageID: id, blobKey: id, source: .catalog, productID: "sku-\(name)", category: category,
                    superCategory: category.flatMap(CategoryTaxonomy.superCategory(for:)), kind: kind,
                    verdict: kind == .person ? .fullFront : .noPerson, score: 0.9, imageWidth: 512, imageHeight: 512, regions: regions)
            }
            let inputs = [
                message("person", kind: .person, regions: regions),
                message("person-without-regions", kind: .person, regions: []),
                message("product", kind: .product, category: "T-Shirts"),
                message("mug", kind: .product),
                message("truncated", kind: .product, category: "skirt"),
                message("missing", kind: .product, category: "skirt"),
                message("person", kind: .person, regions: regions),   // a replay
            ]
            for input in inputs {
                _ = try await producer.send(KafkaRecord(
                    topic: topics.poseFiltered, key: Array(input.imageID.utf8), value: try codec.encode(input)))
            }

            let categorizer = try ImageEmbedder(models: models, framing: .centerCrop)
            let processor = DetectStageProcessor(categorizer: categorizer, store: store, pool: pool, codec: codec, topics: topics)
            let worker = StageWorker(
                configuration: StageWorkerConfiguration(stage: .detect, topics: topics, consumer: broker.consumerConfiguration(group: "detect")),
                processor: processor, producer: producer, pool: pool, codec: codec, logger: logger)
            let running = Task { try await worker.run() }
            let reader = try KafkaConsumer(
                configuration: broker.consumerConfiguration(group: "reader"),
                topics: [topics.croppedArticles, topics.deadLetter(for: .detect)], logger: logger)
            let (outputs, deadLetters) = try await withTimeout(.seconds(90), "detect outputs") {
                var outputs: [CroppedArticlesMessage] = []
                var deadLetters: [String] = []
                while outputs.count < 3 || deadLetters.count < 2, let record = try await reader.next() {
                    if record.topic == topics.croppedArticles {
                        outputs.append(try codec.decode(CroppedArticlesMessage.self, from: record.value))
                    } else {
                        deadLetters.append(record.header("error_kind")?.stringValue ?? "")
                    }
                }
                return (outputs, deadLetters)
            }
            worker.stop()
            try await running.value

            #expect(deadLetters.sorted() == ["missing_blob", "undecodable_image"])
            let people = outputs.filter { $0.imageID == ids["person"]! }
            #expect(people.count == 2)
            #expect(people.first?.articles == people.last?.articles, "a replay gives the same articles")
            let person = try #require(people.first)
            #expect(person.articles.map(\.superCategory) == [.upper, .foot])
            #expect(person.articles.map(\.box) == [BoundingBox(x0: 100, y0: 250, x1: 420, y1: 512),
                                                   BoundingBox(x0: 0, y0: 480, x1: 300, y1: 512)])
            #expect(person.articles.map(\.articleID) == [
                DetectStageProcessor.articleID(imageID: ids["person"]!, superCategory: .upper, ordinal: 0),
                DetectStageProcessor.articleID(imageID: ids["person"]!, superCategory: .foot, ordinal: 0)])
            // Named by the embed stage (the default): here under the super-category's plain name, marked unnamed.
            #expect(person.articles.map(\.category) == ["top", "shoes"])
            #expect(person.articles.allSatisfy { $0.unnamed == true })
            #expect(person.articles.map(\.score) == [0.9, 0.6])
            // The crops are stored: JPEGs of the boxes' size.
            for article in person.articles {
                let crop = try ImageDecoder().decode(try await store.get(try BlobKey(article.cropBlobKey)))
                #expect(Double(crop.width) == article.box.width && Double(crop.height) == article.box.height)
            }
            let product = try #require(outputs.first { $0.imageID == ids["product"]! })
            #expect(product.articles.count == 1)
            #expect(product.articles.first?.category == "T-Shirts" && product.articles.first?.superCategory == .upper)
            #expect(product.articles.first?.unnamed == nil, "a catalog category is a name")
            #expect(product.productID == "sku-product")
            let productBox = try #require(product.articles.first?.box)
            #expect(productBox.x0 >= 0 && productBox.x1 <= 451 && productBox.y1 <= 300 && productBox.width > 0)

            let rows = try await pool.withConnection { connection in
                try await connection.query("SELECT image_id, state, state_reason FROM images")
            }
            var states: [String: (String, String?)] = [:]
            for row in rows { states[try row.decode(String.self, at: 0)] = (try row.decode(String.self, at: 1), try row.decode(String?.self, at: 2)) }
            #expect(states[ids["person"]!]?.0 == "cropped" && states[ids["product"]!]?.0 == "cropped")
            #expect(states[ids["person-without-regions"]!]?.0 == "rejected")
            #expect(states[ids["person-without-regions"]!]?.1 == "detect: no article found")
            #expect(states[ids["mug"]!]?.0 == "rejected")
            #expect(states[ids["mug"]!]?.1?.contains("no searchable category") == true)
            #expect(states[ids["truncated"]!]?.0 == "dead_lettered")
            #expect(states[ids["truncated"]!]?.1?.hasPrefix("undecodable_image") == true)
            let articleRows = try await pool.withConnection { connection in
                try await connection.query("SELECT image_id, super_category, ordinal FROM articles ORDER BY image_id, super_category")
            }
            #expect(articleRows.count == 3, "two articles of the person (replayed: still two) and one of the product")
            try await reader.close()
            try await producer.close()
            await pool.close()
        }
    }
}
