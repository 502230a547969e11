import ArgumentParser
import Foundation
import ShopLookCommandSupport
import ShopLookCore
import ShopLookKafka
import ShopLookPipeline
import ShopLookPostgres

struct IngestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Take catalog images into the pipeline: image files, folders (class subfolders give the category) or a CSV.",
        discussion: """
            A CSV has a header naming product_id and image_path, and optionally title, url and category; relative \
            image paths are resolved against the CSV's folder. Re-running an ingest is safe: the same bytes are \
            the same image.
            """)

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var kafka: KafkaOptions
    @OptionGroup var blobs: BlobOptions

    @Option(help: "How many files to ingest at once.")
    var concurrency = 8

    @Option(help: "Uploads per second, evenly spaced (default: as fast as possible).")
    var rate: Double?

    @Flag(help: "List every rejected file with its reason.")
    var verbose = false

    @Argument(help: "Image files, folders or CSV files.")
    var paths: [String]

    func validate() throws {
        guard (1...256).contains(concurrency) else { throw ValidationError("--concurrency must be 1-256") }
        if let rate, !(rate > 0 && rate <= 100_000) { throw ValidationError("--rate must be a positive number of uploads per second") }
    }

    func run() async throws {
        let logger = CommandLogging.bootstrap(label: "shoplook.ingest")
        let paths = self.paths
        // Walks folders and reads CSV files: blocking, so off the cooperative pool.
        let items = try await BlockingCallPool.shared.run { () throws(IngestSources.Error) in try IngestSources.items(from: paths) }
        let pool = PostgresPool(configuration: try database.configuration(), maximumConnections: min(concurrency, 8), logger: logger)
        let producer = try KafkaProducer(
            configuration: KafkaProducerConfiguration(kafka: try kafka.configuration(clientID: "shoplook-ingest")), logger: logger)
        let ingestor = CatalogIngestor(
            store: try blobs.store(), pool: pool, producer: producer, codec: try MessageCodec(), topics: kafka.topics)
        let bar = ProgressBar(total: items.count)
        let summary = try await ingestor.ingest(items, concurrency: concurrency, rate: rate) { done, summary in
            bar.update(done: done, detail: "\(summary.new) new, \(summary.duplicate) duplicate, \(summary.rejected.count) rejected")
        }
        bar.finish()
        try await producer.close()
        await pool.close()
        print(summary)
        let reasons = Dictionary(grouping: summary.rejected, by: \.reason)
        for (reason, files) in reasons.sorted(by: { $0.value.count > $1.value.count }) {
            print("  rejected \(files.count): \(reason)")
            if verbose { for file in files { print("    \(file.file)") } }
        }
    }
}

/// A one-line progress bar on standard error, drawn only when it is a terminal.
final class ProgressBar: @unchecked Sendable {
    private let total: Int
    private let enabled = isatty(STDERR_FILENO) != 0
    private let lock = NSLock()
    private var lastDraw = ContinuousClock.now - .seconds(1)

    init(total: Int) {
        self.total = total
    }

    func update(done: Int, detail: String) {
        guard enabled else { return }
        lock.withLock {
            guard ContinuousClock.now - lastDraw >= .milliseconds(100) || done == total else { return }
            lastDraw = .now
            let width = 30
            let filled = total == 0 ? width : width * done / total
            let bar = String(repeating: "=", count: filled) + String(repeating: " ", count: width - filled)
            FileHandle.standardError.write(Data("\r[\(bar)] \(done)/\(total)  \(detail)\u{1B}[K".utf8))
        }
    }

    func finish() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\n".utf8))
    }
}
