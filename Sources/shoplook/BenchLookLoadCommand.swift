import ArgumentParser
import Foundation
import ShopLookCommandSupport
import ShopLookCore
import ShopLookKafka
import ShopLookLook
import ShopLookPostgres

/// The shoppers of `Benchmarks/run-look-bench`: submits look photos as `shoplook look` does (``LookSubmitter``), one at
/// a time or all at once, and waits for every look to end. The timings come from PostgreSQL afterwards
/// (`query_jobs.created_at`, `finished_at`, `details`), not from here: this prints the job ids.
struct BenchLookLoadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "look-load",
        abstract: "Submit look photos (one at a time, or all at once), wait for every look to end, and print the job ids as JSON.",
        discussion: """
            one-at-a-time: each photo is submitted once the previous look has ended (its row read every 10 ms). \
            at-once: every photo is submitted straight away (--submitters at a time), then the looks are awaited. \
            A look that has not ended by its deadline plus 2 s is left as it is (its state is in the output). \
            Prints {"jobs": [ids in submission order], "states": {state: count}, "submit_seconds", "seconds"}.
            """)

    enum Mode: String, ExpressibleByArgument, CaseIterable {
        case oneAtATime = "one-at-a-time", atOnce = "at-once"
    }

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var kafka: KafkaOptions
    @OptionGroup var blobs: BlobOptions

    @Option(help: "one-at-a-time or at-once.")
    var mode: Mode = .oneAtATime

    @Option(help: "Products per article.")
    var k = 5

    @Option(help: "Seconds each look may take, submit to answer.")
    var deadline = 30.0

    @Option(help: "Submissions in flight at once (at-once only).")
    var submitters = 4

    @Argument(help: "Look photos (JPEG or PNG), submitted in this order.")
    var files: [String]

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("no photos given") }
        guard (1...1000).contains(k) else { throw ValidationError("--k must be 1-1000") }
        guard deadline.isFinite, (1...600).contains(deadline), LookSubmitter.deadlineRange.contains(.milliseconds(Int64(deadline * 1000))) else {
            throw ValidationError("--deadline must be 1-600 seconds")
        }
        guard (1...64).contains(submitters) else { throw ValidationError("--submitters must be 1-64") }
    }

    func run() async throws {
        var logger = CommandLogging.bootstrap(label: "shoplook.bench-look-load")
        logger.logLevel = .warning
        let photos = try files.map { file in
            guard let data = FileManager.default.contents(atPath: file) else { throw ValidationError("cannot read \(file)") }
            return [UInt8](data)
        }
        let pool = PostgresPool(configuration: try database.configuration(), maximumConnections: submitters + 1, logger: logger)
        let producer = try KafkaProducer(
            configuration: KafkaProducerConfiguration(kafka: try kafka.configuration(clientID: "shoplook-bench-look-load")), logger: logger)
        let submitter = LookSubmitter(store: try blobs.store(), pool: pool, producer: producer, codec: try MessageCodec(), topics: kafka.topics)
        let jobs = LookJobStore(pool: pool)
        let k = self.k, deadline = Duration.milliseconds(Int64(deadline * 1000)), submitters = self.submitters
        let wait = deadline + .seconds(2)
        let clock = ContinuousClock()
        let start = clock.now
        let outcome: Result<(ids: [UUID], states: [LookJob.State], submitSeconds: Double), any Error>
        do {
            var ids: [UUID] = []
            var states: [LookJob.State] = []
            switch mode {
            case .oneAtATime:
                for photo in photos {
                    let submission = try await submitter.submit(photo: photo, topK: k, deadline: deadline)
                    ids.append(submission.jobID)
                    let job = try await jobs.waitUntilEnded(submission.jobID, timeout: wait, interval: .milliseconds(10))
                    states.append(job?.state ?? .failed)
                }
            case .atOnce:
                ids = try await withThrowingTaskGroup(of: (Int, UUID).self) { group in
                    var submitted = [UUID?](repeating: nil, count: photos.count)
                    var next = 0
                    func add() {
                        let index = next, photo = photos[index]
                        next += 1
                        group.addTask { (index, try await submitter.submit(photo: photo, topK: k, deadline: deadline).jobID) }
                    }
                    while next < min(submitters, photos.count) { add() }
                    while let (index, id) = try await group.next() {
                        submitted[index] = id
                        if next < photos.count { add() }
                    }
                    return submitted.map { $0! }
                }
            }
            let submitSeconds = (clock.now - start).seconds
            if mode == .atOnce {
                for id in ids { states.append(try await jobs.waitUntilEnded(id, timeout: wait)?.state ?? .failed) }
            }
            outcome = .success((ids, states, submitSeconds))
        } catch {
            outcome = .failure(error)
        }
        try? await producer.close()
        await pool.close()
        let result = try outcome.get()
        JSONLineWriter().write([
            "mode": mode.rawValue, "looks": result.ids.count, "jobs": result.ids.map { $0.uuidString.lowercased() as Any },
            "states": Dictionary(grouping: result.states, by: \.rawValue).mapValues { $0.count as Any },
            "submit_seconds": result.submitSeconds, "seconds": (clock.now - start).seconds,
        ])
    }
}
