import ArgumentParser
import Foundation
import ShopLookCommandSupport
import ShopLookCore
import ShopLookKafka
import ShopLookLook
import ShopLookPostgres

struct LookCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "look",
        abstract: "Shop the look: submit a photo and, with --wait, print per article of it the most similar products.",
        discussion: """
            The photo is stored, a job is queued and a query worker (shoplook-query-worker) answers it: per article in \
            view (upper wear of an upper-body photo, all three of a full-body one, the one garment of a product photo) \
            its category, box and the top-k products. Exit status with --wait: 0 done, 3 partial (the reason is \
            printed), 1 failed or not ended by the deadline.
            """)

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var kafka: KafkaOptions
    @OptionGroup var blobs: BlobOptions

    @Argument(help: "The photo (JPEG or PNG).")
    var photo: String?

    @Option(help: "Print look ID (submitted earlier, e.g. through the API) instead of submitting a photo.")
    var job: String?

    @Flag(help: "Wait for the answer and print it (else print the job id and return).")
    var wait = false

    @Option(help: "Products per article.")
    var k = 5

    @Option(help: "Seconds the look may take, submit to answer.")
    var deadline = 30.0

    @Flag(help: "Print the job as JSON (the API's shape).")
    var json = false

    func validate() throws {
        guard (photo == nil) != (job == nil) else { throw ValidationError("give either a photo or --job ID") }
        if let job, UUID(uuidString: job) == nil { throw ValidationError("--job must be a look id (a UUID)") }
        guard (1...1000).contains(k) else { throw ValidationError("--k must be 1-1000") }
        guard deadline.isFinite, (1...600).contains(deadline), LookSubmitter.deadlineRange.contains(.milliseconds(Int64(deadline * 1000))) else {
            throw ValidationError("--deadline must be 1-600 seconds")
        }
    }

    func run() async throws {
        var logger = CommandLogging.bootstrap(label: "shoplook.look")
        logger.logLevel = .warning
        let pool = PostgresPool(configuration: try database.configuration(), maximumConnections: 2, logger: logger)
        if let job, let id = UUID(uuidString: job) {
            let found = try await LookJobStore(pool: pool).waitUntilEnded(id, timeout: wait ? .milliseconds(Int64(deadline * 1000) + 2000) : .zero)
            await pool.close()
            guard let found else {
                print("no look \(job)")
                throw ExitCode(1)
            }
            try report(found)
            return
        }
        guard let photo, let data = FileManager.default.contents(atPath: photo) else { throw ValidationError("cannot read \(photo ?? "")") }
        let producer = try KafkaProducer(
            configuration: KafkaProducerConfiguration(kafka: try kafka.configuration(clientID: "shoplook-look")), logger: logger)
        let submitter = LookSubmitter(store: try blobs.store(), pool: pool, producer: producer, codec: try MessageCodec(), topics: kafka.topics)
        let outcome: Result<LookJob?, any Error>
        var submitted: LookSubmission?
        do {
            let submission = try await submitter.submit(photo: [UInt8](data), topK: k, deadline: .milliseconds(Int64(deadline * 1000)))
            submitted = submission
            outcome = .success(wait
                ? try await LookJobStore(pool: pool).waitUntilEnded(submission.jobID, timeout: .milliseconds(Int64(deadline * 1000) + 2000))
                : nil)
        } catch {
            outcome = .failure(error)
        }
        try? await producer.close()
        await pool.close()
        switch outcome {
        case .failure(let error as LookInputError):
            print("\(photo): \(error)")
            throw ExitCode(1)
        case .failure(let error):
            throw error
        case .success(nil):
            let id = submitted!.jobID.uuidString.lowercased()
            print(json ? #"{"job_id": "\#(id)", "state": "queued"}"# : "look \(id) queued")
        case .success(let job?):
            try report(job)
        }
    }

    /// Prints the look; the exit status says how it ended (0 done, 3 partial, 1 otherwise).
    private func report(_ job: LookJob) throws {
        print(json ? String(decoding: try LookJob.encoder().encode(job), as: UTF8.self) : LookReport(job: job).text)
        switch job.state {
        case .done: return
        case .partial: throw ExitCode(3)
        default: throw ExitCode(1)
        }
    }
}

/// A finished look as text: per article its category, box and products.
struct LookReport {
    let job: LookJob

    var text: String {
        let id = job.jobID.uuidString.lowercased()
        var lines: [String] = []
        let elapsed = job.elapsedMilliseconds.map { " in \(Int($0.rounded())) ms" } ?? ""
        lines.append("look \(id): \(job.state.rawValue)\(elapsed)" + (job.verdict.map { " (\($0.rawValue))" } ?? ""))
        if let reason = job.reason { lines.append("  reason: \(reason)") }
        for article in job.articles {
            let box = article.box.map { String(Int($0.rounded())) }.joined(separator: ", ")
            lines.append("\(article.superCategory.rawValue) wear: \(article.category ?? "?") [\(box)]")
            if article.matches.isEmpty { lines.append("  (no products: \(article.reason ?? "none found"))") }
            for match in article.matches {
                let product = match.productID.map { id in
                    id + (match.title.map { " \"\($0)\"" } ?? "") + (match.url.map { " \($0)" } ?? "")
                } ?? "(product deleted)"
                lines.append("  \(match.rank). \(String(format: "%.4f", match.score))  \(product)")
            }
        }
        for note in job.details.notInView { lines.append("not in view: \(note.superCategory.rawValue) wear (\(note.reason))") }
        for shard in job.details.missingShards { lines.append("missing shard \(shard.shard): \(shard.reason)") }
        return lines.joined(separator: "\n")
    }
}
