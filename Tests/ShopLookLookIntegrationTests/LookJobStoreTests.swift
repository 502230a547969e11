import Foundation
import ShopLookBlobStore
import ShopLookCore
import ShopLookImaging
import ShopLookKafka
import ShopLookLook
import ShopLookPostgres
import ShopLookTestSupport
import Testing

/// The job table's rules on a real PostgreSQL (and the submitter on the development broker): a job is taken with
/// its attempts counted, answered once whoever races to answer it, and ends at its deadline.
@Suite(.serialized, .requiresDatabase, .requiresBroker)
struct LookJobStoreTests {
    static let article = LookArticle(
        ordinal: 0, superCategory: .upper, category: "jersey", box: BoundingBox(x0: 10, y0: 20, x1: 110, y1: 220), score: 0.75,
        cropKey: nil, vector: [1, 0])

    @Test("submit stores the photo, the image and a queued job, and produces its message")
    func submit() async throws {
        try await LookFixture.with { fixture in
            let photo = try TestImages.crop(seed: 3)
            let submission = try await fixture.submitter.submit(photo: photo, topK: 4, deadline: .seconds(20))
            #expect(submission.imageID == SHA256.hexDigest(photo))
            #expect(try await fixture.store.get(try BlobKey(submission.imageID)) == photo)
            let job = try #require(try await fixture.jobs.job(submission.jobID))
            #expect(job.state == .queued && job.topK == 4 && job.attempts == 0 && job.imageID == submission.imageID)
            let size = try ImageDecoder().size(photo)
            #expect(job.imageWidth == size.width && job.imageHeight == size.height)
            #expect(abs(job.deadlineAt.timeIntervalSince(job.createdAt) - 20) < 0.01)
            let source = try await fixture.pool.withConnection { connection in
                try await connection.query("SELECT source FROM images WHERE image_id = $1", [submission.imageID]).first?.decode(String.self, at: 0)
            }
            #expect(source == "query")

            let consumer = try KafkaConsumer(
                configuration: fixture.broker.consumerConfiguration(group: "look-\(UUID())"), topics: [fixture.topics.queryJobs],
                logger: fixture.logger)
            let message = try await withTimeout(.seconds(60), "the look's message arrives") { () async throws -> KafkaMessage in
                while true { if let message = try await consumer.poll(timeout: .milliseconds(200)) { return message } }
            }
            try await consumer.close()
            let decoded = try fixture.codec.decode(LookQueryMessage.self, from: message.value ?? [])
            #expect(decoded.jobID == submission.jobID.uuidString.lowercased() && decoded.topK == 4 && decoded.blobKey == submission.imageID)
            #expect(message.key == Array(decoded.jobID.utf8))
        }
    }

    @Test("bytes that are no image, a bad k or deadline are refused and nothing is stored")
    func submitRefusals() async throws {
        try await LookFixture.with { fixture in
            await #expect(throws: LookInputError.self) {
                _ = try await fixture.submitter.submit(photo: Array("GIF89a not really".utf8), topK: 5)
            }
            await #expect(throws: LookSubmitError.invalidArgument("k = 0, expected 1–1000")) {
                _ = try await fixture.submitter.submit(photo: try TestImages.crop(seed: 1), topK: 0)
            }
            await #expect(throws: LookSubmitError.self) {
                _ = try await fixture.submitter.submit(photo: try TestImages.crop(seed: 1), topK: 5, deadline: .seconds(601))
            }
            let rows = try await fixture.pool.withConnection { connection in
                try await connection.query("SELECT (SELECT count(*) FROM query_jobs) + (SELECT count(*) FROM images)").first?.decode(Int.self, at: 0)
            }
            #expect(rows == 0)
        }
    }

    @Test("the producer learns query-jobs before anything is stored: one that cannot refuses the look, nothing stored")
    func submitLearnsTheTopicFirst() async throws {
        try await LookFixture.with { fixture in
            // A closed producer cannot learn the topic: the submission fails before the photo, image or job is written
            // (the same path keeps librdkafka from holding the first look of a new producer until its topic scan).
            let producer = try KafkaProducer(
                configuration: KafkaProducerConfiguration(kafka: fixture.broker.kafkaConfiguration()), logger: fixture.logger)
            try await producer.close()
            let submitter = LookSubmitter(
                store: fixture.store, pool: fixture.pool, producer: producer, codec: fixture.codec, topics: fixture.topics)
            let photo = try TestImages.crop(seed: 5)
            await #expect(throws: KafkaError.self) { _ = try await submitter.submit(photo: photo, topK: 5) }
            let rows = try await fixture.pool.withConnection { connection in
                try await connection.query("SELECT (SELECT count(*) FROM query_jobs) + (SELECT count(*) FROM images)").first?.decode(Int.self, at: 0)
            }
            #expect(rows == 0)
            #expect(!FileManager.default.fileExists(atPath: fixture.store.path(for: try BlobKey(SHA256.hexDigest(photo)))))
        }
    }

    @Test("claims count attempts; a job that stopped too many workers, or is past its deadline, fails")
    func claims() async throws {
        try await LookFixture.with { fixture in
            let id = try await fixture.insertJob()
            guard case .run(1, _, _) = try await fixture.jobs.claim(id, worker: "w1", maximumAttempts: 2) else { Issue.record("first claim"); return }
            let running = try #require(try await fixture.jobs.job(id))
            #expect(running.state == .running && running.startedAt != nil && running.attempts == 1)
            // The same worker again (a retried batch): the same attempt.
            guard case .run(1, _, _) = try await fixture.jobs.claim(id, worker: "w1", maximumAttempts: 2) else { Issue.record("retry"); return }
            // Taken by another (the first worker died holding it): attempt 2.
            guard case .run(2, _, _) = try await fixture.jobs.claim(id, worker: "w2", maximumAttempts: 2) else { Issue.record("second claim"); return }
            #expect(try await fixture.jobs.claim(id, worker: "w3", maximumAttempts: 2) == .failed("the photo stopped 2 workers before they could answer"))
            let failed = try #require(try await fixture.jobs.job(id))
            #expect(failed.state == .failed && failed.reason == "the photo stopped 2 workers before they could answer" && failed.finishedAt != nil)

            let late = try await fixture.insertJob(age: .seconds(60), deadlineIn: .seconds(-1))
            guard case .failed = try await fixture.jobs.claim(late, worker: "w1") else { Issue.record("a late claim fails the job"); return }
            #expect(try await fixture.jobs.claim(late, worker: "w1") == .ended(.failed))
            #expect(try await fixture.jobs.job(late)?.reason?.hasPrefix("deadline passed before a worker could answer") == true)
            #expect(try await fixture.jobs.claim(UUID(), worker: "w1") == .unknown)
        }
    }

    @Test("racing answers: exactly one is written, a later one and a replayed claim change nothing")
    func answeredOnce() async throws {
        try await LookFixture.with { fixture in
            _ = try await fixture.insertCatalogProduct(
                "P1", title: "Blue tee", imageID: String(repeating: "c", count: 64), articles: [Self.article], modelVersion: "m")
            let articleID = SHA256.hexDigest(Array("\(String(repeating: "c", count: 64))/upper/0".utf8))
            let id = try await fixture.insertJob()
            _ = try await fixture.jobs.claim(id, worker: "w1")
            let wins = try await withThrowingTaskGroup(of: Bool.self) { group in
                for racer in 0..<4 {
                    group.addTask {
                        let answer = AnsweredArticle(
                            article: Self.article, matches: [.init(productID: "P1", articleID: articleID, score: 0.9)], reason: nil)
                        return try await fixture.jobs.finish(
                            id, with: .answered(verdict: .fullFront, articles: [answer], details: LookJobDetails(stageMilliseconds: ["racer": Double(racer)])))
                    }
                }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(wins == 1)
            #expect(try await fixture.jobs.finish(id, with: .failed(reason: "late", verdict: nil, details: LookJobDetails())) == false)
            #expect(try await fixture.jobs.claim(id, worker: "w2") == .ended(.done))
            let job = try #require(try await fixture.jobs.job(id))
            #expect(job.state == .done && job.reason == nil && job.verdict == .fullFront && job.attempts == 1)
            #expect(job.details.stageMilliseconds.count == 1)
            #expect(job.articles.count == 1)
            let match = try #require(job.articles.first?.matches.first)
            #expect(job.articles[0].matches.count == 1 && match.rank == 1 && match.productID == "P1" && match.title == "Blue tee")
            #expect(match.url == "https://shop.example/P1" && match.matchedArticleID == articleID && match.matchedCategory == "jersey")
            #expect(job.articles[0].box == [10, 20, 110, 220] && job.articles[0].category == "jersey" && job.articles[0].score == 0.75)
        }
    }

    @Test("an article without matches is written with its reason and the job is partial; deleted products read as null")
    func partial() async throws {
        try await LookFixture.with { fixture in
            let id = try await fixture.insertJob()
            _ = try await fixture.jobs.claim(id, worker: "w1")
            var foot = Self.article
            foot.ordinal = 1
            foot.superCategory = .foot
            let answered = try await fixture.jobs.finish(id, with: .answered(
                verdict: .fullFront,
                articles: [
                    AnsweredArticle(article: Self.article, matches: [.init(productID: "gone", articleID: "gone", score: 0.5)], reason: nil),
                    AnsweredArticle(article: foot, matches: [], reason: "the catalog has no foot wear to match"),
                ],
                details: LookJobDetails()))
            #expect(answered)
            let job = try #require(try await fixture.jobs.job(id))
            #expect(job.state == .partial && job.reason == "no match for the foot wear: the catalog has no foot wear to match")
            #expect(job.articles.map(\.superCategory) == [.upper, .foot])
            #expect(job.articles[0].matches.first?.productID == nil && job.articles[0].matches.first?.score == 0.5)
            #expect(job.articles[1].matches.isEmpty && job.articles[1].reason == "the catalog has no foot wear to match")
        }
    }

    @Test("the sweep fails unfinished jobs past their deadline, and only those")
    func sweep() async throws {
        try await LookFixture.with { fixture in
            let queued = try await fixture.insertJob(age: .seconds(60), deadlineIn: .seconds(-5))
            let running = try await fixture.insertJob(age: .seconds(60), deadlineIn: .seconds(-5))
            // Past its deadline but within the grace a worker has to write its answer: not yet.
            let answering = try await fixture.insertJob(age: .seconds(60), deadlineIn: .milliseconds(-200))
            try await fixture.pool.withConnection { connection in
                _ = try await connection.execute(
                    "UPDATE query_jobs SET state = 'running', started_at = now(), attempts = 1 WHERE job_id = $1", [running])
            }
            let current = try await fixture.insertJob()
            #expect(Set(try await fixture.jobs.sweepExpired()) == [queued, running])
            #expect(try await fixture.jobs.job(queued)?.reason == "deadline passed: no worker took the job")
            #expect(try await fixture.jobs.job(running)?.reason == "deadline passed: the worker did not finish (attempt 1)")
            #expect(try await fixture.jobs.job(current)?.state == .queued)
            #expect(try await fixture.jobs.job(answering)?.state == .queued)
            #expect(try await fixture.jobs.sweepExpired().isEmpty)
            // A row another transaction holds is skipped, not waited for.
            let held = try await fixture.insertJob(age: .seconds(60), deadlineIn: .seconds(-5))
            let holder = try await fixture.schema.connect()
            _ = try await holder.execute("BEGIN")
            _ = try await holder.execute("SELECT 1 FROM query_jobs WHERE job_id = $1 FOR UPDATE", [held])
            #expect(try await fixture.jobs.sweepExpired().isEmpty)
            _ = try await holder.execute("ROLLBACK")
            await holder.close()
            #expect(try await fixture.jobs.sweepExpired() == [held])
        }
    }
}
