import Foundation
import Logging
import ShopLookBlobStore
import ShopLookCore
import ShopLookKafka
import ShopLookPipeline
import ShopLookPostgres
import ShopLookTestSupport
import Testing

@Suite(.serialized, .requiresDatabase, .requiresBroker) struct CatalogIngestorTests {
    let logger: Logger = {
        var logger = Logger(label: "ingest-test")
        logger.logLevel = .error
        return logger
    }()

    @Test func ingestsFoldersAndCSVOnceAndRejectsNonJPEGs() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("ingest-\(UUID().uuidString)")
        let catalog = root.appendingPathComponent("catalog")
        for category in ["shirt", "skirt", "hat"] {
            try FileManager.default.createDirectory(at: catalog.appendingPathComponent(category), withIntermediateDirectories: true)
        }
        try Data(TestImages.solid(red: 10)).write(to: catalog.appendingPathComponent("shirt/a.jpg"))
        try Data(TestImages.solid(red: 20)).write(to: catalog.appendingPathComponent("skirt/b.jpg"))
        try Data(TestImages.solid(red: 30)).write(to: catalog.appendingPathComponent("hat/c.jpg"))
        try Data(TestImages.solid(red: 10)).write(to: catalog.appendingPathComponent("skirt/copy-of-a.jpg"))
        try Data("GIF89a\u{1}\u{0}\u{1}\u{0}".utf8).write(to: catalog.appendingPathComponent("shirt/d.gif"))
        try Data(TestImages.solid(red: 40)).write(to: root.appendingPathComponent("e.jpg"))
        try "product_id,title,url,category,image_path\nsku-1,\"Blue tee, slim\",https://shop.example/sku-1,t-shirt,e.jpg\n"
            .write(to: root.appendingPathComponent("products.csv"), atomically: true, encoding: .utf8)

        let items = try IngestSources.items(from: [catalog.path, root.appendingPathComponent("products.csv").path])
        #expect(items.count == 6)
        #expect(items.first { $0.file.lastPathComponent == "a.jpg" }?.category == "shirt")
        #expect(items.first { $0.file.lastPathComponent == "a.jpg" }?.productID == "catalog/shirt/a")
        #expect(items.last?.productID == "sku-1" && items.last?.title == "Blue tee, slim")

        let topics = ShopLookTopics(prefix: "ingest.")
        let broker = try await TestBroker(topics: [topics.newImage: 3])
        defer { broker.stop() }
        try await TestDatabase.withMigratedSchema { schema in
            let pool = PostgresPool(configuration: try schema.configuration(), maximumConnections: 4, logger: logger)
            let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(kafka: broker.kafkaConfiguration()), logger: logger)
            let codec = try MessageCodec()
            let ingestor = CatalogIngestor(
                store: try FileBlobStore(root: root.appendingPathComponent("blobs")), pool: pool, producer: producer, codec: codec,
                topics: topics)
            let summary = try await ingestor.ingest(items, concurrency: 3)
            #expect(summary.new == 4)
            #expect(summary.duplicate == 1)
            #expect(summary.rejected.map(\.reason) == ["unsupported format: gif (expected JPEG or PNG)"])

            let counts = try await pool.withConnection { connection in
                try await connection.query(
                    """
                    SELECT (SELECT count(*) FROM images), (SELECT count(*) FROM products), (SELECT count(*) FROM product_images),
                           (SELECT super_category FROM products WHERE product_id = 'sku-1'),
                           (SELECT super_category FROM products WHERE product_id = 'catalog/hat/c')
                    """)[0]
            }
            #expect(try counts.decode(Int.self, at: 0) == 4)
            #expect(try counts.decode(Int.self, at: 1) == 5)
            #expect(try counts.decode(Int.self, at: 2) == 5)
            #expect(try counts.decode(String?.self, at: 3) == "upper")
            #expect(try counts.decode(String?.self, at: 4) == nil)

            let consumer = try KafkaConsumer(
                configuration: broker.consumerConfiguration(group: "check"), topics: [topics.newImage], logger: logger)
            let messages = try await withTimeout(.seconds(30), "new-image messages") {
                var messages: [NewImageMessage] = []
                while messages.count < 5, let record = try await consumer.next() {
                    messages.append(try codec.decode(NewImageMessage.self, from: record.value))
                }
                return messages
            }
            // Four new images plus the copy of a.jpg, re-queued because its image was still new.
            #expect(Set(messages.map(\.imageID)).count == 4)
            #expect(messages.allSatisfy { $0.source == .catalog && $0.blobKey == $0.imageID })

            // A second run finds everything again, taking nothing new in. Paced at 20 uploads per second, its
            // sixth upload starts no earlier than 5 / 20 s after the first.
            let started = ContinuousClock.now
            let again = try await ingestor.ingest(items, concurrency: 3, rate: 20)
            #expect(again.new == 0 && again.duplicate == 5)
            #expect(ContinuousClock.now - started >= .milliseconds(250))
            try await consumer.close()
            try await producer.close()
            await pool.close()
        }
        try? FileManager.default.removeItem(at: root)
    }

    @Test func ingestsAnUploadHeldInMemoryWithItsOwnSuperCategory() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("ingest-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let topics = ShopLookTopics(prefix: "upload.")
        let broker = try await TestBroker(topics: [topics.newImage: 3])
        defer { broker.stop() }
        try await TestDatabase.withMigratedSchema { schema in
            let pool = PostgresPool(configuration: try schema.configuration(), maximumConnections: 2, logger: logger)
            let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(kafka: broker.kafkaConfiguration()), logger: logger)
            let codec = try MessageCodec()
            let ingestor = CatalogIngestor(
                store: try FileBlobStore(root: root.appendingPathComponent("blobs")), pool: pool, producer: producer, codec: codec,
                topics: topics)
            try await closing(producer, pool) {
                let bytes = try TestImages.solid(red: 77)
                // The catalog says "scarf" (no super-category of its own) but files it under upper wear.
                let upload = CatalogUpload(bytes: bytes, productID: "sku/9", title: "Scarf", url: "https://shop.example/9", category: "scarf",
                                           superCategory: .upper)
                let receipt = try await ingestor.ingest(upload)
                #expect(receipt == IngestReceipt(result: .new, imageID: SHA256.hexDigest(bytes)))
                #expect(try await ingestor.ingest(upload) == IngestReceipt(result: .duplicate(requeued: true), imageID: SHA256.hexDigest(bytes)))
                let rejected = try await ingestor.ingest(CatalogUpload(bytes: Array("GIF89a".utf8), productID: "sku/10"))
                #expect(rejected == IngestReceipt(result: .rejected("unsupported format: gif (expected JPEG or PNG)"), imageID: nil))
                // A category the new-image message cannot carry fails before any row is written.
                await #expect(throws: MessageError.self) {
                    try await ingestor.ingest(CatalogUpload(bytes: try TestImages.solid(red: 78), productID: "sku/11",
                                                            category: String(repeating: "c", count: 129)))
                }

                let row = try await pool.withConnection { connection in
                    try await connection.query(
                        """
                        SELECT p.title, p.super_category, pi.category_hint, i.byte_size, (SELECT count(*) FROM products)
                        FROM products p JOIN product_images pi USING (product_id) JOIN images i USING (image_id)
                        WHERE p.product_id = 'sku/9'
                        """)[0]
                }
                #expect(try row.decode(String.self, at: 0) == "Scarf")
                #expect(try row.decode(String.self, at: 1) == "upper")
                #expect(try row.decode(String.self, at: 2) == "scarf")
                #expect(try row.decode(Int.self, at: 3) == bytes.count)
                #expect(try row.decode(Int.self, at: 4) == 1)

                let consumer = try KafkaConsumer(
                    configuration: broker.consumerConfiguration(group: "check"), topics: [topics.newImage], logger: logger)
                let messages = try await withTimeout(.seconds(30), "new-image messages") {
                    var messages: [NewImageMessage] = []
                    while messages.count < 2, let record = try await consumer.next() {
                        messages.append(try codec.decode(NewImageMessage.self, from: record.value))
                    }
                    return messages
                }
                try await consumer.close()
                #expect(messages.allSatisfy { $0.imageID == SHA256.hexDigest(bytes) && $0.productID == "sku/9" && $0.superCategory == .upper })
            }
        }
    }

    /// The hostile corpus's catalog CSV: rows the API would refuse are refused with their reason, hostile ids that are
    /// valid are stored verbatim, paths out of the CSV's folder to files that are no images are rejected, and
    /// nothing else in the CSV is lost.
    @Test func hostileCatalogCSVRowsEndRefusedOrStoredVerbatim() async throws {
        let (corpus, manifest) = try await HostileCorpus.generate(seedJPEG: TestModelFiles.files.directory.appendingPathComponent("testdata/person.jpg"))
        defer { try? FileManager.default.removeItem(at: corpus) }
        let items = try IngestSources.items(from: [corpus.appendingPathComponent("catalog.csv").path])
        let fields = manifest.filter { $0.kind == "product-field" }
        #expect(items.count == fields.count + 4, "one item per row")
        let topics = ShopLookTopics(prefix: "hostile-csv.")
        let broker = try await TestBroker(topics: [topics.newImage: 1])
        defer { broker.stop() }
        try await TestDatabase.withMigratedSchema { schema in
            let pool = PostgresPool(configuration: try schema.configuration(), maximumConnections: 2, logger: logger)
            let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(kafka: broker.kafkaConfiguration()), logger: logger)
            let ingestor = CatalogIngestor(
                store: try FileBlobStore(root: corpus.appendingPathComponent("blobs")), pool: pool, producer: producer,
                codec: try MessageCodec(), topics: topics)
            let summary = try await closing(producer, pool) {
                let summary = try await ingestor.ingest(items, concurrency: 1)
                let stored = try await pool.withConnection { connection in
                    try await connection.query("SELECT product_id, title FROM products ORDER BY product_id")
                        .map { [try $0.decode(String.self, at: 0), try $0.decode(String?.self, at: 1) ?? ""] }
                }
                let accepted = fields.filter { $0.expect == "accepted" }
                // Verbatim but for the whitespace a CSV field is trimmed of (the zero-width space after an id, the space after a title).
                let expected = accepted.map { [$0.id!, $0.title!].map { $0.trimmingCharacters(in: .whitespaces) } }.sorted { $0[0] < $1[0] }
                #expect(stored == expected, "valid hostile ids and titles stored verbatim")
                return summary
            }
            // One photo: new for the first accepted id, the same image for the others.
            #expect(summary.new == 1 && summary.duplicate == fields.filter { $0.expect == "accepted" }.count - 1)
            let reasons = summary.rejected.map(\.reason)
            #expect(reasons.count == fields.filter { $0.expect == "400" }.count + 4)
            #expect(reasons.filter { $0.hasPrefix("CSV row ") }.count == fields.filter { $0.expect == "400" }.count + 1)
            #expect(reasons.filter { $0.hasPrefix("unsupported format") }.count == 2, "/etc/passwd and /etc/hostname are no images: \(reasons)")
            #expect(reasons.contains("cannot read the file"))
        }
    }
}
