import Foundation
import ShopLookCore
import ShopLookKafka
import ShopLookTestSupport
import Testing

/// `shoplook-embed-worker` as a process: real broker, PostgreSQL and EfficientNet-Lite0.
@Suite(
    .serialized, .requiresDatabase, .requiresBroker, .requiresModels, .requiresExecutables("shoplook-embed-worker")
) struct EmbedWorkerTests {
    static let imageCount = 20
    static let articlesPerImage = 2
    /// The embed worker's ceiling on peak resident memory (VmHWM): it decodes only crops (scaled down by the detect
    /// stage), so it stays well under the 768 MiB of the stages that decode whole photos.
    static let peakRSSCeiling = 512 << 20

    /// Stores `articlesPerImage` crops per image, inserts the image and article rows as the detect stage leaves them,
    /// and produces the `cropped-articles` messages.
    func produceCroppedArticles(
        _ fixture: WorkerFixture, imageCount: Int = Self.imageCount, articlesPerImage: Int = Self.articlesPerImage
    ) async throws {
        for image in 0..<imageCount {
            let imageID = SHA256.hexDigest(Array("embed worker image \(image)".utf8))
            try await fixture.pool.withConnection { connection in
                _ = try await connection.execute(
                    "INSERT INTO images (image_id, blob_key, source, byte_size, state) VALUES ($1, $1, 'catalog', 10, 'cropped')", [imageID])
            }
            var articles: [Article] = []
            for ordinal in 0..<articlesPerImage {
                let key = try await fixture.store.put(try TestImages.crop(seed: image * articlesPerImage + ordinal)).rawValue
                let articleID = SHA256.hexDigest(Array("\(imageID)/upper/\(ordinal)".utf8))
                try await fixture.pool.withConnection { connection in
                    _ = try await connection.execute(
                        """
                        INSERT INTO articles (article_id, image_id, ordinal, super_category, category, x0, y0, x1, y1, score, crop_blob_key)
                        VALUES ($1, $2, $3, 'upper', 't-shirt', 0, 0, 120, 160, 0.9, $4)
                        """, [articleID, imageID, ordinal, key])
                }
                articles.append(Article(
                    articleID: articleID, superCategory: .upper, category: "t-shirt", box: BoundingBox(x0: 0, y0: 0, x1: 120, y1: 160),
                    score: 0.9, cropBlobKey: key))
            }
            let message = CroppedArticlesMessage(imageID: imageID, source: .catalog, productID: "p\(image)", articles: articles)
            _ = try await fixture.producer.send(KafkaRecord(
                topic: fixture.topics.croppedArticles, key: Array(imageID.utf8), value: try fixture.codec.encode(message)))
        }
    }

    @Test func recoversFromSIGKILLWithOneVectorPerArticleAndExportsMetrics() async throws {
        try await WorkerFixture.with(stage: .embed, outputPartitions: ShopLookTopics.searchShardCount) { fixture in
            try await produceCroppedArticles(fixture)
            let articleCount = Self.imageCount * Self.articlesPerImage
            let (first, _) = try await fixture.startWorker()
            let doneAtKill = try await fixture.waitForCount("SELECT count(*) FROM vectors", atLeast: 6, "some vectors")
            first.send(SIGKILL)
            #expect(await first.exit() == .signalled(SIGKILL))
            let committedAtKill = try await fixture.committedOffsets().values.reduce(0, +)

            let (second, metrics) = try await fixture.startWorker()
            try await fixture.waitForCount(
                "SELECT count(*) FROM images WHERE state = 'embedded'", atLeast: Self.imageCount, "every image embedded")

            // PostgreSQL: one vector per article, none twice.
            #expect(try await fixture.count("SELECT count(*) FROM vectors") == articleCount)
            #expect(try await fixture.count("SELECT count(DISTINCT article_id) FROM vectors") == articleCount)
            // Downstream: every article at least once (the replayed ones may come twice).
            let outputs = try await fixture.readKeys(of: fixture.topics.embedded) { $0.count >= articleCount }
            #expect(outputs.count == articleCount)

            let inputTopic = fixture.topics.croppedArticles
            let scrape = try await MetricsScrape.waitFor(metrics, "consumer lag 0 on both partitions") { scrape in
                (0..<2).allSatisfy { scrape[#"shoplook_stage_consumer_lag{stage="embed",topic="\#(inputTopic)",partition="\#($0)"}"#] == 0 }
            }
            #expect(scrape[#"shoplook_stage_messages_processed_total{stage="embed"}"#] == Double(Int64(Self.imageCount) - committedAtKill))
            #expect(scrape[#"shoplook_stage_messages_failed_total{stage="embed"}"#] == 0)

            second.send(SIGTERM)
            #expect(await second.exit() == .exited(0))
            #expect(try await fixture.committedOffsets().values.reduce(0, +) == Int64(Self.imageCount))
            print("""
                embed worker SIGKILLed with \(doneAtKill) of \(articleCount) vectors stored, \(committedAtKill) of \(Self.imageCount) \
                messages committed; after the restart: \(articleCount) vectors, \(outputs.values.reduce(0, +)) embedded messages \
                for \(outputs.count) articles
                """)
        }
    }

    /// Found by the chaos run (`Benchmarks/run-chaos`): an embed worker fed full batches of street photos' crops (16
    /// messages of 3 articles) peaked at 1.2 GB, over the stated ceiling. The embedder ran all of a processor's crops
    /// of a batch as model batches of 16 crops (32 rows with the two views), and ONNX Runtime's CPU arena keeps the
    /// memory of the largest batch it has run, while a prepared run (input buffers of up to 19 MB) was kept for every
    /// batch size seen: 748 MiB here. Model batches of at most 4 crops keep it near 300 MiB, at the same throughput.
    @Test func staysUnderThePeakMemoryCeilingWithFullBatchesOfStreetPhotoCrops() async throws {
        try await WorkerFixture.with(stage: .embed, outputPartitions: ShopLookTopics.searchShardCount) { fixture in
            let imageCount = 64
            // All queued before the worker starts: every batch is full (16 messages, 48 crops).
            try await produceCroppedArticles(fixture, imageCount: imageCount, articlesPerImage: 3)
            let (worker, _) = try await fixture.startWorker(maxBatchSize: 16, extraArguments: ["--concurrency", "2"])
            defer { worker.send(SIGKILL) }
            try await fixture.waitForCount("SELECT count(*) FROM images WHERE state = 'embedded'", atLeast: imageCount, "every image embedded")
            #expect(try await fixture.count("SELECT count(*) FROM vectors") == imageCount * 3)
            let peak = try HostileInputTests.peakRSS(of: worker.processIdentifier)
            #expect(peak < Self.peakRSSCeiling, "the embed worker peaked at \(peak >> 20) MiB")
            worker.send(SIGTERM)
            #expect(await worker.exit() == .exited(0))
            print("embed worker, \(imageCount) messages of 3 crops in batches of 16, 2 processor instances: peak RSS \(peak >> 20) MiB")
        }
    }
}
