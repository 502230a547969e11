import Logging
import ShopLookBlobStore
import ShopLookCore

/// What the API's routes work with. The executable makes it from PostgreSQL, the broker and the blob store
/// (``live(_:)``); unit tests make one over an in-memory catalog.
///
/// A new route family adds what it needs here (a store of its own, built in ``live(_:)`` from the same
/// ``APIInfrastructure``), so that every route type is made from one value.
public struct APIServices: Sendable {
    /// Products, their images and articles.
    public var catalog: any ProductCatalog
    /// Shoppers' looks: submitted, read back.
    public var looks: any LookService
    /// Image bytes and article crops.
    public var blobs: any BlobStore
    /// What `/healthz` checks, in order.
    public var health: [HealthCheck]
    /// Threads that decode and encode images (upload checks, thumbnails), off the cooperative pool; their number
    /// bounds how many large images are in memory at once.
    public var imaging: BlockingCallPool
    public var logger: Logger

    public init(
        catalog: any ProductCatalog, looks: any LookService, blobs: any BlobStore, health: [HealthCheck], imaging: BlockingCallPool,
        logger: Logger
    ) {
        self.catalog = catalog
        self.looks = looks
        self.blobs = blobs
        self.health = health
        self.imaging = imaging
        self.logger = logger
    }

    /// The services of a running server: the catalog in PostgreSQL (ingest and removal through the pipeline's
    /// ``CatalogIngestor`` and ``ProductRemover``), looks in PostgreSQL queued for the query workers, the blob store,
    /// and health checks of PostgreSQL and the broker.
    public static func live(_ infrastructure: APIInfrastructure) -> APIServices {
        APIServices(
            catalog: PostgresProductCatalog(infrastructure), looks: PostgresLookService(infrastructure), blobs: infrastructure.blobs,
            health: [.database(infrastructure.pool), .broker(infrastructure.producer, topic: infrastructure.topics.newImage)],
            imaging: BlockingCallPool(name: "api-imaging", threadCount: 2), logger: infrastructure.logger)
    }
}
