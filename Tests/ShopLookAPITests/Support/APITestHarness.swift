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
import Testing

/// The API's router over an ``InMemoryCatalog`` and a blob store in a fresh temporary folder, run in process.
struct APITestHarness {
    let catalog: InMemoryCatalog
    let looks: InMemoryLooks
    let store: FileBlobStore
    let registry = PrometheusCollectorRegistry()
    let configuration: APIConfiguration
    let health: [HealthCheck]

    static let imaging = BlockingCallPool(name: "api-test-imaging", threadCount: 2)
    // Fixture: the project's own templates (a parse failure is a failure of every test here).
    static let pages = try! PageTemplates.load()

    init(configuration: APIConfiguration = APIConfiguration(), health: [HealthCheck] = []) throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("shoplook-api-test-\(UUID().uuidString)")
        store = try FileBlobStore(root: root)
        catalog = InMemoryCatalog(store: store)
        looks = InMemoryLooks(store: store)
        self.configuration = configuration
        self.health = health
    }

    var services: APIServices {
        var logger = Logger(label: "api-test")
        logger.logLevel = .critical
        return APIServices(catalog: catalog, looks: looks, blobs: store, health: health, imaging: Self.imaging, logger: logger)
    }

    func router(routes: RouteTable = RouteTable()) -> Router<APIRequestContext> {
        APIRoutes.router(
            APIRoutes.collections(services: services, configuration: configuration, pages: Self.pages), configuration: configuration,
            registry: registry,
            routes: routes)
    }

    /// Runs `body` with a client of the router (no network).
    func test<Value: Sendable>(_ body: @escaping @Sendable (any TestClientProtocol) async throws -> Value) async throws -> Value {
        var logger = Logger(label: "api-test")
        logger.logLevel = .critical
        return try await Application(router: router(), logger: logger).test(.router) { client in try await body(client) }
    }

    /// A real JPEG (a colour gradient) of `width`×`height`, distinct per `seed`.
    static func jpeg(width: Int = 64, height: Int = 48, seed: Int = 0) throws -> [UInt8] {
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for y in 0..<height {
            for x in 0..<width {
                let index = (y * width + x) * 3
                pixels[index] = UInt8((x * 255) / max(1, width - 1))
                pixels[index + 1] = UInt8((y * 255) / max(1, height - 1))
                pixels[index + 2] = UInt8(truncatingIfNeeded: seed * 37)
            }
        }
        return try JPEGEncoder(quality: 90).encode(try RGBImage(width: width, height: height, pixels: pixels))
    }
}

extension TestResponse {
    /// The body as the API's error shape; fails the test when the answer is not that shape in JSON.
    func apiError(sourceLocation: SourceLocation = #_sourceLocation) throws -> APIErrorBody.Detail {
        #expect(headers[.contentType] == "application/json", sourceLocation: sourceLocation)
        return try JSONDecoder().decode(APIErrorBody.self, from: Data(buffer: body)).error
    }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(buffer: body))
    }
}
