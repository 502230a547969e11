import Foundation
import ShopLookCore
import ShopLookKafka
import ShopLookTestSupport
import Testing

/// `shoplook-pose-worker` as a process: real broker, PostgreSQL, BlazePose models and photos.
@Suite(
    .serialized, .requiresDatabase, .requiresBroker, .requiresModels, .requiresExecutables("shoplook-pose-worker")
) struct PoseWorkerTests {
    static let imageCount = 20
    static let terminal = "SELECT count(*) FROM images WHERE state IN ('pose_filtered', 'rejected', 'dead_lettered')"

    /// Stores `imageCount` distinct photos (a person, a cat, a coffee cup), inserts their rows and produces their
    /// `new-image` messages; returns where each message landed, by image id.
    func produceImages(_ fixture: WorkerFixture) async throws -> [String: KafkaDeliveryReport] {
        let photos = try TestImages.photoVariants(
            of: ["astronaut.jpg", "chelsea.jpg", "coffee.jpg"], in: TestModelFiles.testdata,
            count: Self.imageCount)
        var reports: [String: KafkaDeliveryReport] = [:]
        for bytes in photos {
            let imageID = try await fixture.store.put(bytes).rawValue
            try await fixture.pool.withConnection { connection in
                _ = try await connection.execute(
                    "INSERT INTO images (image_id, blob_key, source, byte_size) VALUES ($1, $1, 'catalog', $2)", [imageID, bytes.count])
            }
            let message = NewImageMessage(imageID: imageID, blobKey: imageID, source: .catalog, byteSize: bytes.count, uploadedAt: Date())
            reports[imageID] = try await fixture.producer.send(KafkaRecord(
                topic: fixture.topics.newImage, key: Array(imageID.utf8), value: try fixture.codec.encode(message)))
        }
        return reports
    }

    /// The scheduling policy of each thread of process `pid` (field 41 of `/proc/PID/task/TID/stat`: 0 normal, 5 idle).
    static func threadPolicies(of pid: Int32) throws -> [Int] {
        let tasks = "/proc/\(pid)/task"
        return try FileManager.default.contentsOfDirectory(atPath: tasks).compactMap { thread in
            guard let stat = try? String(contentsOfFile: "\(tasks)/\(thread)/stat", encoding: .utf8),
                  let end = stat.range(of: ")", options: .backwards) else { return nil }
            // Fields after the command name start at field 3.
            let fields = stat[end.upperBound...].split(separator: " ")
            return fields.count > 38 ? Int(fields[38]) : nil
        }
    }

    @Test func idlePriorityPutsEveryThreadUnderSchedIdleAndNoneWithoutIt() async throws {
        try await WorkerFixture.with(stage: .pose) { fixture in
            let (idle, _) = try await fixture.startWorker(extraArguments: ["--idle-priority"])
            defer { idle.send(SIGKILL) }
            let idlePolicies = try Self.threadPolicies(of: idle.processIdentifier)
            #expect(idlePolicies.count > 1 && idlePolicies.allSatisfy { $0 == 5 }, "\(idlePolicies)")
            #expect(await idle.output().contains("SCHED_IDLE CPU policy on its"))

            let (normal, _) = try await fixture.startWorker()
            defer { normal.send(SIGKILL) }
            let normalPolicies = try Self.threadPolicies(of: normal.processIdentifier)
            #expect(normalPolicies.count > 1 && normalPolicies.allSatisfy { $0 == 0 }, "\(normalPolicies)")
        }
    }

    @Test func sigtermDrainsTheBatchInFlightCommitsItAndExitsZero() async throws {
        try await WorkerFixture.with(stage: .pose) { fixture in
            let messages = try await produceImages(fixture)
            let (worker, _) = try await fixture.startWorker(maxBatchSize: 4)
            try await fixture.waitForCount("SELECT count(*) FROM pose_results", atLeast: 1, "the first pose result")
            worker.send(SIGTERM)
            let exit = await worker.exit()
            let output = await worker.output()
            #expect(exit == .exited(0), "\(output)")
            try await worker.line(containing: "pose worker stopped")

            // Committed ⇔ processed: nothing processed is left uncommitted, nothing committed is unprocessed.
            let committed = try await fixture.committedOffsets()
            let processed = Set(try await fixture.pool.withConnection { connection in
                try await connection.query("SELECT image_id FROM pose_results").map { try $0.decode(String.self, at: 0) }
            })
            for (imageID, report) in messages {
                let isCommitted = report.offset < committed[report.partition, default: 0]
                #expect(isCommitted == processed.contains(imageID), "\(imageID) at \(report.partition)@\(report.offset)")
            }
            print("pose worker stopped by SIGTERM after \(processed.count) of \(Self.imageCount) images; all of them committed")
        }
    }

    @Test func recoversFromSIGKILLWithEveryImageDoneOnceAndExportsMetrics() async throws {
        try await WorkerFixture.with(stage: .pose) { fixture in
            _ = try await produceImages(fixture)
            let (first, _) = try await fixture.startWorker()
            let doneAtKill = try await fixture.waitForCount("SELECT count(*) FROM pose_results", atLeast: 4, "some pose results")
            first.send(SIGKILL)
            #expect(await first.exit() == .signalled(SIGKILL))
            let committedAtKill = try await fixture.committedOffsets().values.reduce(0, +)

            let (second, metrics) = try await fixture.startWorker()
            try await fixture.waitForCount(Self.terminal, atLeast: Self.imageCount, "every image in a terminal state")

            // PostgreSQL: exactly once.
            #expect(try await fixture.count("SELECT count(*) FROM pose_results") == Self.imageCount)
            #expect(try await fixture.count(Self.terminal) == Self.imageCount)
            // Downstream: every kept photo at least once (the replayed ones may come twice).
            let kept = Set(try await fixture.pool.withConnection { connection in
                try await connection.query("SELECT image_id FROM images WHERE state = 'pose_filtered'").map { try $0.decode(String.self, at: 0) }
            })
            #expect(!kept.isEmpty)
            let outputs = try await fixture.readKeys(of: fixture.topics.poseFiltered) { keys in kept.isSubset(of: keys.keys) }
            #expect(Set(outputs.keys) == kept)

            // The restarted worker processed what the killed one had not committed, and its lag drains to 0.
            let inputTopic = fixture.topics.newImage
            let scrape = try await MetricsScrape.waitFor(metrics, "consumer lag 0 on both partitions") { scrape in
                (0..<2).allSatisfy { scrape[#"shoplook_stage_consumer_lag{stage="pose",topic="\#(inputTopic)",partition="\#($0)"}"#] == 0 }
            }
            #expect(scrape[#"shoplook_stage_messages_processed_total{stage="pose"}"#] == Double(Int64(Self.imageCount) - committedAtKill))
            #expect(scrape[#"shoplook_stage_messages_dead_lettered_total{stage="pose"}"#] == 0)
            #expect(scrape[#"shoplook_stage_message_duration_seconds_count{stage="pose"}"#] == Double(Int64(Self.imageCount) - committedAtKill))

            second.send(SIGTERM)
            #expect(await second.exit() == .exited(0))
            #expect(try await fixture.committedOffsets().values.reduce(0, +) == Int64(Self.imageCount))
            print("""
                pose worker SIGKILLed with \(doneAtKill) of \(Self.imageCount) images done, \(committedAtKill) committed; \
                after the restart: \(Self.imageCount) pose results, \(kept.count) kept photos produced \
                \(outputs.values.reduce(0, +)) times
                """)
        }
    }
}
