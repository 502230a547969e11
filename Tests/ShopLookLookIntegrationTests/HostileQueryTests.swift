import Foundation
import ShopLookCore
import ShopLookKafka
import ShopLookLook
import ShopLookPostgres
import ShopLookTestSupport
import Testing

/// The hostile corpus's `query-jobs` messages (`Benchmarks/hostile/make-corpus`) to a real query worker, between two
/// good looks: every schema-violating one is dead-lettered with a reason (and fails the job it names), a valid one
/// for a job whose photo is gone fails that job with why, one naming no job is consumed without effect, the worker
/// stays up and both good looks are answered.
@Suite(.serialized, .requiresDatabase, .requiresModels,
       .requiresExecutables("shoplook-broker", "shoplook-searcher", "shoplook-query-worker"))
struct HostileQueryTests {
    static func insertJob(_ fixture: LookFixture, _ id: UUID) async throws {
        try await fixture.pool.withConnection { connection in
            _ = try await connection.execute(
                "INSERT INTO query_jobs (job_id, top_k, created_at, deadline_at) VALUES ($1, 3, now(), now() + interval '20 minutes')", [id])
        }
    }

    /// Sends the entries keyed "hostile", then closes the producer (whether or not the send failed).
    static func send(_ entries: [HostileCorpus.Entry], in directory: URL, to topic: String, with producer: KafkaProducer) async throws {
        let records: [KafkaRecord]
        do {
            records = try entries.map { KafkaRecord(topic: topic, key: Array("hostile".utf8), value: try HostileCorpus.bytes(of: $0, in: directory)) }
            _ = try await producer.send(records)
        } catch {
            try? await producer.close()
            throw error
        }
        try await producer.close()
    }

    @Test func everyHostileQueryMessageIsDeadLetteredOrEndsItsJobAndGoodLooksAreAnswered() async throws {
        let (directory, manifest) = try await HostileCorpus.generate(seedJPEG: TestModelFiles.testdata.appendingPathComponent("person.jpg"))
        defer { try? FileManager.default.removeItem(at: directory) }
        let entries = manifest.filter { $0.kind == "message" && $0.topic == "query-jobs" }
        let toDeadLetter = entries.filter { $0.expect == "dead-letter" }
        let toFail = entries.filter { $0.expect == "job-failed" }
        let ignored = entries.filter { $0.expect == "ignored" }
        #expect(entries.count >= 40 && toDeadLetter.count + toFail.count + ignored.count == entries.count, "\(entries.count) entries")
        // The jobs the messages name (a broken message naming a real job fails it): the valid sample's, and those of
        // the "job-failed" ones.
        var named: Set<UUID> = []
        for entry in toDeadLetter {
            let document = try? JSONSerialization.jsonObject(with: Data(try HostileCorpus.bytes(of: entry, in: directory)))
            if let text = (document as? [String: Any])?["job_id"] as? String, text == text.lowercased(), let id = UUID(uuidString: text) {
                named.insert(id)
            }
        }
        #expect(named.count == 1, "\(named)")
        let failing = toFail.compactMap { $0.jobID.flatMap(UUID.init(uuidString:)) }
        #expect(failing.count == toFail.count, "a job-failed entry without a job_id")
        let unknown = try ignored.compactMap { entry in
            let document = try JSONSerialization.jsonObject(with: Data(try HostileCorpus.bytes(of: entry, in: directory))) as? [String: Any]
            return (document?["job_id"] as? String).flatMap(UUID.init(uuidString:))
        }
        #expect(unknown.count == ignored.count, "an ignored entry without a job_id")

        try await LookFixture.with { fixture in
            _ = try await QueryWorkerTests.insertCatalog(fixture)
            let searcher = try await fixture.startSearcher()
            let worker = try await fixture.startQueryWorker()
            defer { worker.send(SIGKILL); searcher.send(SIGKILL) }
            for id in named.union(failing) { try await Self.insertJob(fixture, id) }
            let photo = try LookAnalyzerTests.photo("astronaut.png")

            // A good look, the hostile messages, another good look.
            let first = try await fixture.submitter.submit(photo: photo, topK: 3, deadline: .seconds(600))
            // A producer that may send the corpus's 1.5 MB message (over the worker's 1 MiB cap, to see it refused).
            var kafka = fixture.broker.kafkaConfiguration(clientID: "hostile")
            kafka.properties["message.max.bytes"] = "4000000"
            let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(kafka: kafka), logger: fixture.logger)
            try await Self.send(entries, in: directory, to: fixture.topics.queryJobs, with: producer)
            let second = try await fixture.submitter.submit(photo: photo, topK: 3, deadline: .seconds(600))

            // Both looks end; every broken message is dead-lettered; the group has consumed everything.
            var answers: [LookJob] = []
            for look in [first, second] {
                answers.append(try #require(try await fixture.jobs.waitUntilEnded(look.jobID, timeout: .seconds(600))))
            }
            let hostileKey = Array("hostile".utf8)
            try await withTimeout(.seconds(300), "every hostile query-jobs message dead-lettered") {
                while true {
                    if await worker.transcript.value.exit != nil { throw TestSupportError("the query worker ended:\n\(await worker.output())") }
                    let letters = try await fixture.pool.withConnection { connection in
                        try await connection.query(
                            "SELECT count(*) FROM dead_letters WHERE message_key = $1 AND source_topic = $2", [hostileKey, fixture.topics.queryJobs]
                        ).first?.decode(Int.self, at: 0) ?? 0
                    }
                    if letters >= toDeadLetter.count { return }
                    try await Task.sleep(for: .milliseconds(100))
                }
            }
            try await fixture.waitForQueryWorkers("every query-jobs message consumed")

            for answer in answers {
                #expect(answer.state == .done && answer.articles.first?.matches.first?.productID == "ASTRO",
                        "a good look ended \(answer.state): \(String(describing: answer.reason))")
            }
            let letters = try await fixture.pool.withConnection { connection in
                try await connection.query(
                    "SELECT error, error_kind FROM dead_letters WHERE message_key = $1 AND source_topic = $2", [hostileKey, fixture.topics.queryJobs]
                ).map { (try $0.decode(String.self, at: 0), try $0.decode(String.self, at: 1)) }
            }
            #expect(letters.count == toDeadLetter.count, "\(letters.count) dead letters of \(toDeadLetter.count) broken messages")
            var reasons: [String: Int] = [:]
            for (error, kind) in letters {
                #expect(error.count >= 8 && !kind.isEmpty, "unclear dead letter \(kind): \(error)")
                #expect(!error.contains("refused it"), "\(error.prefix(300))")
                reasons["\(kind): \(error.prefix(70))", default: 0] += 1
            }
            let lettersHandled = min(toDeadLetter.count, letters.filter { $0.0.count >= 8 && !$0.1.isEmpty }.count)
            var jobsHandled = 0
            for id in named {
                let job = try #require(try await fixture.jobs.job(id))
                let ok = job.state == .failed && job.reason?.hasPrefix("the look could not be processed: ") == true
                #expect(ok, "the job the broken messages name: \(job.state) \(String(describing: job.reason))")
            }
            for id in failing {
                let job = try #require(try await fixture.jobs.job(id))
                let ok = job.state == .failed && job.reason?.contains("the photo is gone") == true
                #expect(ok, "a job whose photo is gone: \(job.state) \(String(describing: job.reason))")
                if ok { jobsHandled += 1 }
            }
            var ignoredHandled = 0
            for id in unknown {
                let job = try await fixture.jobs.job(id)
                #expect(job == nil, "a message naming no job made one: \(String(describing: job))")
                if job == nil { ignoredHandled += 1 }
            }
            #expect(await worker.transcript.value.exit == nil, "the query worker ended")
            worker.send(SIGTERM)
            let exit = await worker.exit()
            let output = await worker.output()
            #expect(exit == .exited(0), "the query worker did not stop cleanly:\n\(output)")
            print("""
                hostile query-jobs messages handled: \(lettersHandled + jobsHandled + ignoredHandled)/\(entries.count) \
                (dead-lettered with a reason \(lettersHandled)/\(toDeadLetter.count), job failed with why \(jobsHandled)/\(toFail.count), \
                naming no job and consumed \(ignoredHandled)/\(ignored.count)); good looks answered \
                \(answers.filter { $0.state == .done }.count)/2
                reasons: \(reasons.sorted { $0.key < $1.key }.map { "\n  \($0.value)× \($0.key)" }.joined())
                """)
        }
    }
}
