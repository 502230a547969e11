import ArgumentParser
import Hummingbird
import Logging
import Metrics
import Prometheus
import ServiceLifecycle
import ShopLookAPI
import ShopLookCommandSupport
import ShopLookCore
import ShopLookImaging
import ShopLookKafka
import ShopLookLook
import ShopLookPostgres

/// The HTTP API process: catalog changes through the pipeline, product reads, images, health and metrics.
@main
struct APICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shoplook-api",
        abstract: "Serve ShopLook's HTTP API and the shopper's page: looks, catalog uploads and removals, products, images, /healthz, /metrics.",
        discussion: """
            Catalog writes (POST /v1/products, DELETE /v1/products/{id}) need `Authorization: Bearer TOKEN` when a \
            token is configured (--api-token or SHOPLOOK_API_TOKEN); without one they are open to anyone who reaches \
            the port. Looks (POST /v1/looks) and the page (/) are open to shoppers; the server also fails looks past \
            their deadline, so a look ends even while no query worker runs. Logs "api listening on HOST:PORT" once it \
            listens.
            """)

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var kafka: KafkaOptions
    @OptionGroup var blobs: BlobOptions

    @Option(help: "Address the API listens on.")
    var host = "127.0.0.1"

    @Option(help: "Port of the API (0 picks a free port, logged at start).")
    var port = 8080

    @Option(help: "Bearer token that writes need (default: $SHOPLOOK_API_TOKEN; none: writes are open).")
    var apiToken: String?

    @Option(help: "Largest request body in bytes (larger: 413).")
    var maxBodyBytes = ImageLimits.default.maxBytes

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0-65535") }
        guard maxBodyBytes > 0 else { throw ValidationError("--max-body-bytes must be positive") }
    }

    func run() async throws {
        let logger = CommandLogging.bootstrap(label: "shoplook.api")
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        // The token itself is never logged: APIToken keeps only its digest and prints as <redacted>.
        let token = (apiToken ?? Settings.environment["SHOPLOOK_API_TOKEN"]).flatMap(APIToken.init)
        if token == nil {
            logger.warning("no API token configured (--api-token or SHOPLOOK_API_TOKEN): writes are open to anyone who reaches the API")
        }
        let configuration = APIConfiguration(maximumBodyBytes: maxBodyBytes, token: token)
        let pool = PostgresPool(configuration: try database.configuration(), maximumConnections: 8, logger: logger)
        let producer = try KafkaProducer(
            configuration: producerConfiguration(), logger: logger)
        let infrastructure = APIInfrastructure(
            pool: pool, producer: producer, blobs: try blobs.store(), codec: try MessageCodec(), topics: kafka.topics, logger: logger)
        let services = APIServices.live(infrastructure)
        let host = self.host, port = self.port
        let app = Application(
            router: APIRoutes.router(APIRoutes.collections(services: services, configuration: configuration, pages: try PageTemplates.load()), configuration: configuration, registry: registry),
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: "shoplook-api"),
            onServerRunning: { channel in
                logger.info("api listening on \(host):\(channel.localAddress?.port ?? port)")
            },
            logger: logger)
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: [.init(service: LookJobSweeper(jobs: LookJobStore(pool: pool), logger: logger)), .init(service: app)],
            gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await closing(producer, pool) { try await group.run() }
    }

    /// The producer's settings: no linger, since each request produces one message that a shopper (a look) or the
    /// catalog's uploader is waiting on; there is no batch to fill.
    private func producerConfiguration() throws -> KafkaProducerConfiguration {
        var configuration = KafkaProducerConfiguration(kafka: try kafka.configuration(clientID: "shoplook-api"))
        configuration.linger = .zero
        return configuration
    }
}
