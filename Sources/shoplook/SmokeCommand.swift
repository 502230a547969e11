import ArgumentParser
import Foundation
import Logging
import ShopLookBlobStore
import ShopLookCommandSupport
import ShopLookCore
import ShopLookImaging
import ShopLookKafka
import ShopLookPostgres

/// The foundation's end-to-end check: every piece the fleet stands on, used once for real.
struct SmokeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "smoke",
        abstract: "Migrate, store an image, record it, produce its new-image message and consume it back.")

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var kafka: KafkaOptions
    @OptionGroup var blobs: BlobOptions

    @Option(help: "A JPEG to use (default: a generated test image).")
    var image: String?

    func run() async throws {
        let logger = CommandLogging.bootstrap(label: "shoplook.smoke")
        let clock = ContinuousClock()
        let started = clock.now
        func step(_ text: String) { print("[\(String(format: "%6.3f", (clock.now - started).seconds)) s] \(text)") }

        let pool = PostgresPool(configuration: try database.configuration(), maximumConnections: 2, logger: logger)
        let report = try await Migrator(directory: try ShopLookPaths.directory(named: "Migrations"), logger: logger)
            .migrate(using: pool)
        step("migrations: \(report)")

        let bytes = try image.map { [UInt8](try Data(contentsOf: URL(fileURLWithPath: $0))) } ?? Self.generatedJPEG()
        let store = try blobs.store()
        let key = try await store.put(bytes)
        step("blob stored: \(key) (\(bytes.count) bytes) under \(store.root.path)")

        let productID = "smoke-\(key.rawValue.prefix(12))"
        try await pool.retrying { connection in
            try await connection.transaction { connection in
                try await connection.execute(
                    """
                    INSERT INTO products (product_id, title, url, category) VALUES ($1, $2, $3, $4)
                    ON CONFLICT (product_id) DO UPDATE SET title = EXCLUDED.title, updated_at = now()
                    """, [productID, "Smoke-test product", "https://shop.example/p/\(productID)", "t-shirt"])
                try await connection.execute(
                    """
                    INSERT INTO images (image_id, blob_key, source, byte_size, state) VALUES ($1, $2, 'catalog', $3, 'new')
                    ON CONFLICT (image_id) DO NOTHING
                    """, [key.rawValue, key.rawValue, bytes.count])
                try await connection.execute(
                    "INSERT INTO product_images (product_id, image_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                    [productID, key.rawValue])
            }
        }
        step("recorded product \(productID) and image in PostgreSQL")

        let codec = try MessageCodec()
        let message = NewImageMessage(
            imageID: key.rawValue, blobKey: key.rawValue, source: .catalog, productID: productID, category: "t-shirt",
            superCategory: .upper, byteSize: bytes.count, uploadedAt: Date())
        let topic = kafka.topics.newImage
        let producer = try KafkaProducer(
            configuration: KafkaProducerConfiguration(kafka: try kafka.configuration(clientID: "shoplook-smoke")), logger: logger)
        let delivery = try await producer.send(
            KafkaRecord(topic: topic, key: Array(key.rawValue.utf8), value: try codec.encode(message),
                        headers: [KafkaHeader(name: "content-type", string: "application/json")]))
        try await producer.close()
        step("produced \(topic)[\(delivery.partition)]@\(delivery.offset)")

        // A fresh group, started at the produced offset: the record must come back through the group protocol.
        let target = KafkaTopicPartition(topic: topic, partition: delivery.partition)
        var consumerConfiguration = KafkaConsumerConfiguration(
            kafka: try kafka.configuration(clientID: "shoplook-smoke"), groupID: "shoplook-smoke-\(UUID().uuidString)")
        consumerConfiguration.sessionTimeout = .seconds(6)
        let consumer = try KafkaConsumer(
            configuration: consumerConfiguration, topics: [topic],
            rebalanceHandler: KafkaRebalanceHandler(onAssign: { partitions in
                partitions.contains(target) ? [target: delivery.offset] : [:]
            }), logger: logger)
        var received: NewImageMessage?
        while received == nil, let record = try await consumer.next() {
            if record.partition == delivery.partition && record.offset == delivery.offset {
                received = try codec.decode(NewImageMessage.self, from: record.value)
                consumer.markProcessed(record)
            }
        }
        try await consumer.commit()
        try await consumer.close()
        guard let received, received.imageID == key.rawValue else {
            throw ValidationError("the consumed message is not the one produced")
        }
        step("consumed it back through a consumer group; schema-valid, committed")

        let state = try await pool.withConnection { connection in
            try await connection.query("SELECT state FROM images WHERE image_id = $1", [key.rawValue]).first?
                .decode(String.self, at: 0)
        }
        await pool.close()
        step("image \(key.rawValue.prefix(12))… is in state \(state ?? "missing"); smoke test passed")
    }

    /// A 256×256 colour gradient, encoded as JPEG.
    static func generatedJPEG() throws -> [UInt8] {
        let size = 256
        var pixels = [UInt8](repeating: 0, count: size * size * 3)
        for y in 0..<size {
            for x in 0..<size {
                pixels[(y * size + x) * 3] = UInt8(x)
                pixels[(y * size + x) * 3 + 1] = UInt8(y)
                pixels[(y * size + x) * 3 + 2] = UInt8((x + y) / 2)
            }
        }
        return try JPEGEncoder(quality: 90).encode(try RGBImage(width: size, height: size, pixels: pixels))
    }
}
