import ArgumentParser
import ShopLookCommandSupport
import ShopLookCore
import ShopLookKafka
import ShopLookPipeline
import ShopLookPostgres

struct RemoveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove",
        abstract: "Take products out of the catalog: no search answers them once the searchers apply the tombstones.",
        discussion: """
            Marks the products removed in PostgreSQL and publishes a tombstone on embedded for each of their articles \
            (on its shard's partition); the command returns once the broker has them. Exits 1 when an id is unknown.
            """)

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var kafka: KafkaOptions

    @Argument(help: "Product ids.")
    var productIDs: [String]

    func validate() throws {
        guard !productIDs.isEmpty else { throw ValidationError("name at least one product id") }
    }

    func run() async throws {
        let logger = CommandLogging.bootstrap(label: "shoplook.remove")
        let pool = PostgresPool(configuration: try database.configuration(), maximumConnections: 1, logger: logger)
        let producer = try KafkaProducer(
            configuration: KafkaProducerConfiguration(kafka: try kafka.configuration(clientID: "shoplook-remove")), logger: logger)
        let report = try await closing(producer, pool) {
            try await ProductRemover(pool: pool, producer: producer, topics: kafka.topics).remove(productIDs)
        }
        let tombstones = report.tombstones.values.reduce(0, +)
        print("removed \(report.removed.count) product(s); \(tombstones) article tombstone(s) on \(report.tombstones.count) shard(s)")
        for id in report.unknown { print("unknown product: \(id)") }
        if !report.unknown.isEmpty { throw ExitCode(1) }
    }
}
