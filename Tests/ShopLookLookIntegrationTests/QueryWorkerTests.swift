import Foundation
import ShopLookBlobStore
import ShopLookCore
import ShopLookKafka
import ShopLookLook
import ShopLookPostgres
import ShopLookTestSupport
import ShopLookVision
import Testing

/// The query worker as a process, with a real searcher, broker and PostgreSQL: looks answered through the searchers,
/// refusals, removed products left out, a look that no shard answers ending at its deadline, and a worker killed
/// holding a look leaving it to another that answers it once.
@Suite(.serialized, .requiresDatabase, .requiresModels,
       .requiresExecutables("shoplook-broker", "shoplook-searcher", "shoplook-query-worker", "shoplook", "shoplook-api"))
struct QueryWorkerTests {
    static func photoPath(_ name: String) -> String { TestModelFiles.testdata.appendingPathComponent(name).path }

    /// The catalog: the articles of the astronaut (upper-body) and person (full-body) test photos, as products
    /// ASTRO and PERSON, among 40 random distractors per super-category. Returns the embedder's model version.
    static func insertCatalog(_ fixture: LookFixture) async throws -> String {
        let analyzer = try LookAnalyzerTests.analyzer(store: fixture.store)
        let version = analyzer.embedder.modelVersion
        for (product, file) in [("ASTRO", "astronaut.png"), ("PERSON", "person.jpg")] {
            let photo = try LookAnalyzerTests.photo(file)
            let analysis = try await analyzer.analyze(photo: photo)
            _ = try await fixture.insertCatalogProduct(
                product, title: "The \(file) look", imageID: SHA256.hexDigest(photo), articles: analysis.articles, modelVersion: version)
        }
        let dimension = try await analyzer.analyze(photo: try LookAnalyzerTests.photo("astronaut.png")).articles[0].vector.count
        var random = SplitMix64(seed: 42)
        for index in 0..<120 {
            var vector = (0..<dimension).map { _ in Float(random.nextUnit() * 2 - 1) }
            let norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
            vector = vector.map { $0 / norm }
            let category = SuperCategory.allCases[index % 3]
            let article = LookArticle(
                ordinal: 0, superCategory: category, category: "other", box: BoundingBox(x0: 0, y0: 0, x1: 1, y1: 1), score: 1,
                cropKey: nil, vector: vector)
            _ = try await fixture.insertCatalogProduct(
                "D\(index)", title: "Distractor \(index)", imageID: SHA256.hexDigest(Array("distractor \(index)".utf8)), articles: [article],
                modelVersion: version)
        }
        return version
    }

    static func decode(_ output: String) throws -> LookJob {
        let line = try #require(output.split(separator: "\n").last { $0.hasPrefix("{") })
        return try LookJob.decoder().decode(LookJob.self, from: Data(line.utf8))
    }

    @Test func answersLooksThroughTheSearchers() async throws {
        try await LookFixture.with { fixture in
            _ = try await Self.insertCatalog(fixture)
            let searcher = try await fixture.startSearcher()
            let worker = try await fixture.startQueryWorker()
            defer { worker.send(SIGKILL); searcher.send(SIGKILL) }

            // An upper-body photo: its upper wear, matched first to the catalog's own article of the same photo.
            let astronaut = try await fixture.lookCommand(Self.photoPath("astronaut.png"), ["--wait", "--json", "--k", "3"])
            #expect(astronaut.exit == .exited(0), "\(astronaut.output)")
            let job = try Self.decode(astronaut.output)
            #expect(job.state == .done && job.attempts == 1 && job.verdict == .partial)
            #expect(job.articles.map(\.superCategory) == [.upper])
            #expect(Set(job.details.notInView.map(\.superCategory)) == [.lower, .foot])
            let best = try #require(job.articles.first?.matches.first)
            #expect(best.productID == "ASTRO" && best.score > 0.99 && best.title == "The astronaut.png look")
            #expect(best.url == "https://shop.example/ASTRO")
            #expect(job.articles[0].matches.map(\.rank) == [1, 2, 3])
            let crop = try BlobKey(try #require(job.articles[0].cropKey))
            #expect(FileManager.default.fileExists(atPath: fixture.store.path(for: crop)))
            for stage in ["queued", "claim", "decode", "pose", "locate", "crop", "embed", "search"] {
                #expect(job.details.stageMilliseconds[stage] != nil, "\(stage)")
            }
            // The stages follow one another: together they never exceed the look's time (PostgreSQL's timestamps).
            let stages = job.details.stageMilliseconds.values.reduce(0, +)
            let elapsed = try #require(job.elapsedMilliseconds)
            #expect(stages <= elapsed + 1, "stages \(job.details.stageMilliseconds) add up to more than the look's \(elapsed) ms")

            // A full-body photo: each article finds the catalog's article of the same photo first (text output).
            let person = try await fixture.lookCommand(Self.photoPath("person.jpg"), ["--wait"])
            #expect(person.exit == .exited(0), "\(person.output)")
            #expect(person.output.contains("upper wear: ") && person.output.contains("lower wear: "))
            #expect(person.output.components(separatedBy: "  1. ").dropFirst().allSatisfy { $0.contains("PERSON \"The person.jpg look\"") },
                    "\(person.output)")

            // Nothing to search for, and bytes that are no photo.
            let cat = try await fixture.lookCommand(Self.photoPath("chelsea.png"), ["--wait"])
            #expect(cat.exit == .exited(1) && cat.output.contains("failed") && cat.output.contains("no person and no garment"), "\(cat.output)")
            let text = fixture.scratch.appendingPathComponent("not-a-photo.jpg")
            try Data("hello".utf8).write(to: text)
            let refused = try await fixture.lookCommand(text.path, ["--wait"])
            #expect(refused.exit == .exited(1) && refused.output.contains("not a usable image"), "\(refused.output)")

            // The same through the HTTP API as a shopper's browser sends it: the real shoplook-api process, answered by
            // the same worker; the page shows the answer.
            let api = try await fixture.startAPI()
            defer { api.process.send(SIGKILL) }
            let accepted = try await fixture.http(
                "POST", "\(api.base)/v1/looks?k=2", body: try LookAnalyzerTests.photo("astronaut.png"), contentType: "image/png")
            #expect(accepted.status == 202, "\(String(decoding: accepted.body, as: UTF8.self))")
            let location = try #require(accepted.headers["Location"])
            let viaAPI = try await withTimeout(.seconds(60), "the API's look ends") { () async throws -> LookJob in
                while true {
                    let response = try await fixture.http("GET", api.base + location)
                    let look = try LookJob.decoder().decode(LookJob.self, from: Data(response.body))
                    if look.state.isTerminal { return look }
                    try await Task.sleep(for: .milliseconds(50))
                }
            }
            #expect(viaAPI.state == .done && viaAPI.topK == 2 && viaAPI.articles.first?.matches.first?.productID == "ASTRO")
            #expect(viaAPI.articles.first?.matches.count == 2)
            let page = try await fixture.http("GET", "\(api.base)/looks/\(viaAPI.jobID.uuidString.lowercased())")
            #expect(page.status == 200 && String(decoding: page.body, as: UTF8.self).contains(#"data-product="ASTRO""#))

            // A product that left the catalog is left out even before the searchers drop it (no tombstone sent here).
            try await fixture.pool.withConnection { connection in
                _ = try await connection.execute("UPDATE products SET removed_at = now() WHERE product_id = 'ASTRO'")
            }
            let again = try await fixture.lookCommand(Self.photoPath("astronaut.png"), ["--wait", "--json", "--k", "3"])
            let answer = try Self.decode(again.output)
            #expect(answer.state == .done && answer.details.removedProductsSkipped == 1, "\(again.output)")
            #expect(!answer.articles.flatMap(\.matches).contains { $0.productID == "ASTRO" })
        }
    }

    @Test func aWorkerMapsALooksGarmentCropsWithItsStreetProjectionAndRefusesOneOfAnotherCatalog() async throws {
        try await LookFixture.with { fixture in
            _ = try await Self.insertCatalog(fixture)
            let catalog = try LookFixture.catalogEmbedder()
            let url = TestPaths.packageRoot.appendingPathComponent("Models").appendingPathComponent(LinearProjection.defaultFileName(for: catalog.framing))
            let base = try LinearProjection(serialized: [UInt8](Data(contentsOf: url)))
            // Negated weights: every garment crop's vector comes back negated, so the catalog's own article of the
            // same photo (cosine 1 without it) is the farthest, never among the nearest.
            var negated = base.weights
            negated.values = negated.values.map { -$0 }
            let streetFile = fixture.scratch.appendingPathComponent("street.slproj")
            try Data(LinearProjection(weights: negated, blend: 0, adaptedFrom: base.contentID).serialized()).write(to: streetFile)
            let searcher = try await fixture.startSearcher()
            let worker = try await fixture.startQueryWorker(streetProjection: streetFile.path)
            defer { worker.send(SIGKILL); searcher.send(SIGKILL) }
            _ = try await withTimeout(.seconds(10), "the worker names its street projection") {
                try await worker.line(containing: "garment crops: street projection \(streetFile.path)")
            }
            let look = try await fixture.lookCommand(Self.photoPath("astronaut.png"), ["--wait", "--json", "--k", "3"])
            #expect(look.exit == .exited(0), "\(look.output)")
            let job = try Self.decode(look.output)
            #expect(job.state == .done && job.articles.map(\.superCategory) == [.upper])
            let matches = try #require(job.articles.first?.matches)
            #expect(matches.count == 3 && !matches.contains { $0.productID == "ASTRO" }, "\(matches.map(\.productID))")

            // Adapted from another projection than the catalog's: its vectors would match nothing; the worker says so.
            let stranger = fixture.scratch.appendingPathComponent("stranger.slproj")
            try Data(LinearProjection(weights: base.weights, blend: 0, adaptedFrom: "0123456789ab").serialized()).write(to: stranger)
            let refused = try TestProcess(
                "shoplook-query-worker",
                arguments: fixture.connectionArguments + ["--blob-root", fixture.store.root.path, "--metrics-port", "0",
                                                          "--street-projection", stranger.path],
                environment: LookFixture.consumerEnvironment)
            let refusedExit = await refused.exit()
            let refusedOutput = await refused.output()
            #expect(refusedExit != .exited(0) && refusedOutput.contains("adapted from the projection 0123456789ab"), "\(refusedOutput)")
        }
    }

    @Test func aLookEndsAtItsDeadlineAndAKilledWorkersLookIsAnsweredOnceByAnother() async throws {
        try await LookFixture.with { fixture in
            _ = try await Self.insertCatalog(fixture)
            let first = try await fixture.startQueryWorker(searchDeadlineMs: 120_000)
            defer { first.send(SIGKILL) }
            let photo = try LookAnalyzerTests.photo("astronaut.png")

            // No searcher yet: a look fails at once, naming why (and the worker has joined its group and loaded its models).
            let warmUp = try await fixture.submitter.submit(photo: photo, topK: 3, deadline: .seconds(120))
            let unanswered = try #require(try await fixture.jobs.waitUntilEnded(warmUp.jobID, timeout: .seconds(120)))
            #expect(unanswered.state == .failed && unanswered.reason?.contains("no owner") == true, "\(String(describing: unanswered.reason))")

            // Every shard's owner hangs: the look still ends, failed with why, by its deadline (the worker keeps a
            // margin to write its answer in; the sweeper waits a second past the deadline for it).
            let stalling = try StallingOwner()
            defer { stalling.close() }
            try await fixture.pool.withConnection { connection in
                for shard in 0..<LookFixture.shards {
                    _ = try await connection.execute(
                        "INSERT INTO searcher_shards (shard, owner, member, generation) VALUES ($1, $2, 'stalling', nextval('searcher_generation_seq'))",
                        [shard, stalling.address])
                }
            }
            let short = try await fixture.submitter.submit(photo: photo, topK: 3, deadline: .seconds(8))
            let ended = try #require(try await fixture.jobs.waitUntilEnded(short.jobID, timeout: .seconds(60)))
            #expect(ended.state == .failed && ended.reason?.hasPrefix("no search shard answered") == true, "\(String(describing: ended.reason))")
            #expect(ended.details.missingShards.count == LookFixture.shards)
            #expect(try #require(ended.finishedAt) <= ended.deadlineAt.addingTimeInterval(1.5))

            // A look in flight when its worker is killed …
            let seen = stalling.requests
            let long = try await fixture.submitter.submit(photo: photo, topK: 3, deadline: .seconds(120))
            try await stalling.waitForRequests(moreThan: seen)
            #expect(try await fixture.jobs.job(long.jobID)?.state == .running)
            first.send(SIGKILL)
            _ = await first.exit()

            // … is taken by the next worker once the searchers are back, and answered once.
            try await fixture.pool.withConnection { connection in _ = try await connection.execute("DELETE FROM searcher_shards") }
            let searcher = try await fixture.startSearcher()
            let second = try await fixture.startQueryWorker()
            defer { second.send(SIGKILL); searcher.send(SIGKILL) }
            let answered = try #require(try await fixture.jobs.waitUntilEnded(long.jobID, timeout: .seconds(90)))
            #expect(answered.state == .done && answered.attempts == 2, "\(answered.state) \(String(describing: answered.reason))")
            #expect(answered.articles.first?.matches.first?.productID == "ASTRO")
            let rows = try await fixture.pool.withConnection { connection in
                try await connection.query("SELECT count(*) FROM query_results WHERE job_id = $1", [long.jobID]).first?.decode(Int.self, at: 0)
            }
            #expect(rows == answered.articles.map { max(1, $0.matches.count) }.reduce(0, +))
            _ = try await second.line(containing: "attempt 2")

            // The same message again (a replay) changes nothing: once the group has consumed it, the answer is the one
            // written before.
            let replay = LookQueryMessage(
                jobID: long.jobID.uuidString.lowercased(), imageID: long.imageID, blobKey: long.imageID, topK: 3, deadlineAt: long.deadlineAt)
            // A message that breaks its schema, naming a job: dead-lettered, and its job fails with why.
            let broken = try await fixture.insertJob(deadlineIn: .seconds(120))
            let poison = #"{"version":1,"job_id":"\#(broken.uuidString.lowercased())","image_id":"x","blob_key":"x","top_k":0,"deadline_at":"2030-01-01T00:00:00.000Z"}"#
            _ = try await fixture.producer.send([
                KafkaRecord(topic: fixture.topics.queryJobs, key: Array(replay.jobID.utf8), value: try fixture.codec.encode(replay)),
                KafkaRecord(topic: fixture.topics.queryJobs, key: Array(broken.uuidString.lowercased().utf8), value: Array(poison.utf8)),
            ])
            let poisoned = try #require(try await fixture.jobs.waitUntilEnded(broken, timeout: .seconds(60)))
            #expect(poisoned.state == .failed && poisoned.reason?.hasPrefix("the look could not be processed") == true,
                    "\(String(describing: poisoned.reason))")
            try await fixture.waitForQueryWorkers("the replay is consumed")
            let after = try #require(try await fixture.jobs.job(long.jobID))
            #expect(after.finishedAt == answered.finishedAt && after.attempts == 2 && after.articles == answered.articles)
        }
    }
}
