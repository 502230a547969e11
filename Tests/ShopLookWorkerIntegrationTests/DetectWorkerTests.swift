import Foundation
import ShopLookBlobStore
import ShopLookCore
import ShopLookKafka
import ShopLookTestSupport
import Testing

/// `shoplook-detect-worker` as a process: real broker, PostgreSQL, the embedder's ImageNet classes and photos.
@Suite(
    .serialized, .requiresDatabase, .requiresBroker, .requiresModels, .requiresExecutables("shoplook-detect-worker")
) struct DetectWorkerTests {
    static let imageCount = 20

    /// Stores `imageCount` distinct photos and produces their `pose-filtered` messages as the pose stage leaves
    /// them: every other one a person photo with two article regions, the rest product photos with a catalog
    /// category (one article). Returns the number of articles expected.
    func producePoseFiltered(_ fixture: WorkerFixture) async throws -> Int {
        let photos = try TestImages.photoVariants(
            of: ["astronaut.jpg", "chelsea.jpg"], in: TestModelFiles.testdata, count: Self.imageCount)
        let regions = [
            ArticleRegion(superCategory: .upper, box: BoundingBox(x0: 60, y0: 240, x1: 460, y1: 512), score: 0.9),
            ArticleRegion(superCategory: .foot, box: BoundingBox(x0: 100, y0: 440, x1: 400, y1: 512), score: 0.5),
        ]
        var articles = 0
        for (index, bytes) in photos.enumerated() {
            let imageID = try await fixture.store.put(bytes).rawValue
            try await fixture.pool.withConnection { connection in
                _ = try await connection.execute(
                    "INSERT INTO images (image_id, blob_key, source, byte_size, state) VALUES ($1, $1, 'catalog', $2, 'pose_filtered')",
                    [imageID, bytes.count])
            }
            let person = index % 2 == 0
            articles += person ? regions.count : 1
            let message = PoseFilteredMessage(
                imageID: imageID, blobKey: imageID, source: .catalog, productID: "p\(index)", category: person ? nil : "shirt",
                superCategory: person ? nil : .upper, kind: person ? .person : .product, verdict: person ? .fullFront : .noPerson,
                score: 0.9, imageWidth: 512, imageHeight: 512, regions: person ? regions : nil)
            _ = try await fixture.producer.send(KafkaRecord(
                topic: fixture.topics.poseFiltered, key: Array(imageID.utf8), value: try fixture.codec.encode(message)))
        }
        return articles
    }

    @Test func recoversFromSIGKILLWithEveryArticleOnceAndExportsMetrics() async throws {
        try await WorkerFixture.with(stage: .detect) { fixture in
            let articleCount = try await producePoseFiltered(fixture)
            let (first, _) = try await fixture.startWorker()
            let doneAtKill = try await fixture.waitForCount("SELECT count(*) FROM articles", atLeast: 4, "some articles")
            first.send(SIGKILL)
            #expect(await first.exit() == .signalled(SIGKILL))
            let committedAtKill = try await fixture.committedOffsets().values.reduce(0, +)

            let (second, metrics) = try await fixture.startWorker()
            try await fixture.waitForCount(
                "SELECT count(*) FROM images WHERE state = 'cropped'", atLeast: Self.imageCount, "every image cropped")

            // PostgreSQL: every article once, each with its crop in the blob store.
            #expect(try await fixture.count("SELECT count(*) FROM articles") == articleCount)
            #expect(try await fixture.count("SELECT count(DISTINCT (image_id, super_category, ordinal)) FROM articles") == articleCount)
            let crops = try await fixture.pool.withConnection { connection in
                try await connection.query("SELECT crop_blob_key FROM articles").map { try $0.decode(String.self, at: 0) }
            }
            for key in crops { #expect(try await !fixture.store.get(try BlobKey(key)).isEmpty) }
            // Downstream: every image's articles at least once (the replayed ones may come twice).
            let outputs = try await fixture.readKeys(of: fixture.topics.croppedArticles) { $0.count >= Self.imageCount }
            #expect(outputs.count == Self.imageCount)

            let inputTopic = fixture.topics.poseFiltered
            let scrape = try await MetricsScrape.waitFor(metrics, "consumer lag 0 on both partitions") { scrape in
                (0..<2).allSatisfy { scrape[#"shoplook_stage_consumer_lag{stage="detect",topic="\#(inputTopic)",partition="\#($0)"}"#] == 0 }
            }
            #expect(scrape[#"shoplook_stage_messages_processed_total{stage="detect"}"#] == Double(Int64(Self.imageCount) - committedAtKill))
            #expect(scrape[#"shoplook_stage_messages_failed_total{stage="detect"}"#] == 0)

            second.send(SIGTERM)
            #expect(await second.exit() == .exited(0))
            #expect(try await fixture.committedOffsets().values.reduce(0, +) == Int64(Self.imageCount))
            print("""
                detect worker SIGKILLed with \(doneAtKill) of \(articleCount) articles stored, \(committedAtKill) of \
                \(Self.imageCount) messages committed; after the restart: \(articleCount) articles, \
                \(outputs.values.reduce(0, +)) cropped-articles messages for \(outputs.count) images
                """)
        }
    }
}
