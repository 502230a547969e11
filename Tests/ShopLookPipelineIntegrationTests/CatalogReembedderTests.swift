import Foundation
import Logging
import ShopLookCore
import ShopLookKafka
import ShopLookPipeline
import ShopLookPostgres
import ShopLookTestSupport
import Testing

/// Moving the catalog to another model version: what is sent to cropped-articles again, and what is not.
@Suite(.serialized, .requiresDatabase, .requiresBroker) struct CatalogReembedderTests {
    let logger: Logger = {
        var logger = Logger(label: "reembed-test")
        logger.logLevel = .error
        return logger
    }()

    @Test func sendsEveryEmbeddedCatalogImageThatMissesTheVersionOnceAndPagesThroughThem() async throws {
        let topics = ShopLookTopics(prefix: "reembed.")
        let broker = try await TestBroker(topics: [topics.croppedArticles: 1])
        defer { broker.stop() }
        try await TestDatabase.withMigratedSchema { schema in
            let pool = PostgresPool(configuration: try schema.configuration(), maximumConnections: 2, logger: logger)
            let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(kafka: broker.kafkaConfiguration()), logger: logger)
            let codec = try MessageCodec()
            func id(_ text: String) -> String { SHA256.hexDigest(Array(text.utf8)) }
            func sql(_ text: String, _ parameters: [(any PostgresEncodable)?] = []) async throws {
                _ = try await pool.withConnection { try await $0.execute(text, parameters) }
            }
            // complete: every article has both versions. pending: old only (two articles). removed: old only, its one
            // product removed. cropped: not embedded yet. loose: no product, an article without a category.
            try await sql("INSERT INTO products (product_id) VALUES ('sold'), ('gone')")
            try await sql("UPDATE products SET removed_at = now() WHERE product_id = 'gone'")
            let images: [(name: String, state: String, product: String?, articles: Int, versions: [String])] = [
                ("complete", "embedded", "sold", 2, ["old", "new"]), ("pending", "embedded", "sold", 2, ["old"]),
                ("removed", "embedded", "gone", 1, ["old"]), ("cropped", "cropped", "sold", 1, []),
                ("loose", "embedded", nil, 1, ["old"]),
            ]
            for image in images {
                try await sql(
                    "INSERT INTO images (image_id, blob_key, source, byte_size, state) VALUES ($1, $1, 'catalog', 10, $2)",
                    [id(image.name), image.state])
                if let product = image.product {
                    try await sql("INSERT INTO product_images (product_id, image_id) VALUES ($1, $2)", [product, id(image.name)])
                }
                for ordinal in 0..<image.articles {
                    let article = id("\(image.name)/\(ordinal)")
                    try await sql(
                        """
                        INSERT INTO articles (article_id, image_id, ordinal, super_category, category, x0, y0, x1, y1, score, crop_blob_key)
                        VALUES ($1, $2, $3, 'lower', $4, 1, 2, 30, 40, 0.5, $5)
                        """, [article, id(image.name), ordinal, image.name == "loose" ? nil : "jeans", id("crop \(article)")])
                    for version in image.versions {
                        try await sql(
                            "INSERT INTO vectors (article_id, model_version, super_category, dim, shard, vector) VALUES ($1, $2, 'lower', 1, 0, $3)",
                            [article, version, Float32Vector(values: [1])])
                    }
                }
            }

            var reembedder = CatalogReembedder(pool: pool, producer: producer, codec: codec, topics: topics)
            reembedder.pageSize = 1
            let dryRun = try await reembedder.reembed(missing: "new", dryRun: true)
            #expect(dryRun == CatalogReembedder.Report(images: 2, articles: 3))
            let sent = try await reembedder.reembed(missing: "new")
            #expect(sent == dryRun)
            // Everything missing "old" is complete: nothing to send.
            #expect(try await reembedder.reembed(missing: "old") == CatalogReembedder.Report())
            // A sentinel after them: what the dry run would have sent would show up before it.
            _ = try await producer.send(KafkaRecord(topic: topics.croppedArticles, key: Array("end".utf8), value: Array("end".utf8)))

            let reader = try KafkaConsumer(configuration: broker.consumerConfiguration(group: "reader"), topics: [topics.croppedArticles], logger: logger)
            let messages = try await withTimeout(.seconds(60), "cropped-articles") {
                var messages: [CroppedArticlesMessage] = []
                while let record = try await reader.next(), record.value != Array("end".utf8) {
                    messages.append(try codec.decode(CroppedArticlesMessage.self, from: record.value))
                }
                return messages
            }
            #expect(messages.map(\.imageID) == [id("loose"), id("pending")].sorted())
            let pending = try #require(messages.first { $0.imageID == id("pending") })
            #expect(pending.productID == "sold" && pending.source == .catalog)
            #expect(pending.articles.map(\.articleID) == [id("pending/0"), id("pending/1")])
            #expect(pending.articles.allSatisfy {
                $0.category == "jeans" && $0.unnamed == nil && $0.superCategory == .lower && $0.score == 0.5
                    && $0.box == BoundingBox(x0: 1, y0: 2, x1: 30, y1: 40) && $0.cropBlobKey == id("crop \($0.articleID)")
            })
            let loose = try #require(messages.first { $0.imageID == id("loose") })
            #expect(loose.productID == nil)
            #expect(loose.articles.map(\.category) == ["trousers"] && loose.articles.first?.unnamed == true,
                    "an article without a category goes to be named")
            try await reader.close()
            try await producer.close()
            await pool.close()
        }
    }
}
