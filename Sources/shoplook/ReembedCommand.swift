import ArgumentParser
import ShopLookCommandSupport
import ShopLookCore
import ShopLookKafka
import ShopLookModelOptions
import ShopLookPipeline
import ShopLookPostgres

/// Moves the catalog to the embedding model version the embed workers now run (blue/green, see the README's
/// "Compute per photo").
struct ReembedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reembed",
        abstract: "Send the catalog's embedded images to cropped-articles again, for the embed workers to add another model version's vectors.",
        discussion: """
            The model version is the one the embedder options give (the embed workers' own flags: --precision, \
            --framing, --projection). Every embedded catalog image with an article lacking a vector of that version \
            is sent, with its articles as they are; images whose every product was removed are not. The old \
            version's vectors stay until the query side has moved. Running it again sends only what is still \
            missing. Prints the version and the counts.
            """)

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var kafka: KafkaOptions
    @OptionGroup var vision: VisionOptions

    @Flag(help: "Count what would be sent; send nothing.")
    var dryRun = false

    func run() async throws {
        let logger = CommandLogging.bootstrap(label: "shoplook.reembed")
        let modelVersion = try vision.embedder().modelVersion
        let pool = PostgresPool(configuration: try database.configuration(), maximumConnections: 1, logger: logger)
        let producer = try KafkaProducer(
            configuration: KafkaProducerConfiguration(kafka: try kafka.configuration(clientID: "shoplook-reembed")), logger: logger)
        let report = try await closing(producer, pool) {
            try await CatalogReembedder(pool: pool, producer: producer, codec: try MessageCodec(), topics: kafka.topics)
                .reembed(missing: modelVersion, dryRun: dryRun)
        }
        print("\(dryRun ? "would send" : "sent") \(report.images) image(s), \(report.articles) article(s) to \(kafka.topics.croppedArticles) for \(modelVersion)")
    }
}
