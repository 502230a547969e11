import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Prometheus
import ShopLookAPI
import ShopLookBlobStore
import ShopLookCore
import ShopLookImaging
import ShopLookKafka
import ShopLookPostgres
import ShopLookTestSupport

/// The API's live services against PostgreSQL (a migrated schema of its own) and a development broker of its
/// own (`new-image` in 3 partitions, `embedded` in 4 shards), with a blob store in a temporary folder.
struct APIFixture: Sendable {
    static let token = "integration-token"

    let topics: ShopLookTopics
    let broker: TestBroker
    let schema: TestSchema
    let pool: PostgresPool
    let producer: KafkaProducer
    let store: FileBlobStore
    let codec: MessageCodec
    let logger: Logger

    static func with(_ body: (APIFixture) async throws -> Void) async throws {
        var logger = Logger(label: "api-integration-test")
        logger.logLevel = .critical
        let topics = ShopLookTopics(prefix: "api-\(UUID().uuidString.prefix(6)).")
        let broker = try await TestBroker(topics: [topics.newImage: 3, topics.embedded: 4, topics.queryJobs: 3])
        defer { broker.stop() }
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("api-blobs-\(UUID())")
        defer { try? FileManager.default.removeItem(at: root) }
        try await TestDatabase.withMigratedSchema { schema in
            let fixture = APIFixture(
                topics: topics, broker: broker, schema: schema,
                pool: PostgresPool(configuration: try schema.configuration(), maximumConnections: 4, logger: logger),
                producer: try KafkaProducer(configuration: KafkaProducerConfiguration(kafka: broker.kafkaConfiguration()), logger: logger),
                store: try FileBlobStore(root: root), codec: try MessageCodec(), logger: logger)
            try await closing(fixture.producer, fixture.pool) { try await body(fixture) }
        }
    }

    var infrastructure: APIInfrastructure {
        APIInfrastructure(pool: pool, producer: producer, blobs: store, codec: codec, topics: topics, logger: logger)
    }

    /// Runs `body` with an in-process client of the API over the live services (or `services`).
    func test(
        services: APIServices? = nil, configuration: APIConfiguration = APIConfiguration(token: APIToken(APIFixture.token)),
        _ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void
    ) async throws {
        let services = services ?? APIServices.live(infrastructure)
        let router = APIRoutes.router(
            APIRoutes.collections(services: services, configuration: configuration, pages: try PageTemplates.load()), configuration: configuration,
            registry: PrometheusCollectorRegistry())
        try await Application(router: router, logger: logger).test(.router) { client in try await body(client) }
    }

    /// One row of counts: products, images, product_images.
    func counts() async throws -> [Int] {
        try await pool.withConnection { connection in
            let row = try await connection.query(
                "SELECT (SELECT count(*) FROM products), (SELECT count(*) FROM images), (SELECT count(*) FROM product_images)")[0]
            return [try row.decode(Int.self, at: 0), try row.decode(Int.self, at: 1), try row.decode(Int.self, at: 2)]
        }
    }

    /// The next `count` records of `topic`, read by a consumer group of their own from the beginning.
    func records(_ topic: String, count: Int) async throws -> [KafkaMessage] {
        let consumer = try KafkaConsumer(
            configuration: broker.consumerConfiguration(group: "check-\(UUID().uuidString.prefix(6))"), topics: [topic], logger: logger)
        do {
            let records = try await withTimeout(.seconds(60), "\(count) records of \(topic)") {
                var records: [KafkaMessage] = []
                while records.count < count, let record = try await consumer.next() { records.append(record) }
                return records
            }
            try await consumer.close()
            return records
        } catch {
            try? await consumer.close()
            throw error
        }
    }

    /// Multipart bodies as clients send them.
    static func form(_ fields: [(String, String)], image: [UInt8]?, boundary: String = "----api-integration-boundary") -> (String, ByteBuffer) {
        var out: [UInt8] = []
        for (name, value) in fields {
            out += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
        }
        if let image {
            out += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"image\"; filename=\"photo.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n".utf8)
            out += image + Array("\r\n".utf8)
        }
        out += Array("--\(boundary)--\r\n".utf8)
        return ("multipart/form-data; boundary=\(boundary)", ByteBuffer(bytes: out))
    }
}

extension TestResponse {
    /// The body as the API's error shape (application/json).
    func apiError() throws -> APIErrorBody.Detail {
        guard headers[.contentType] == "application/json" else { throw TestSupportError("not JSON: \(headers)") }
        return try JSONDecoder().decode(APIErrorBody.self, from: Data(buffer: body)).error
    }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(buffer: body))
    }
}
