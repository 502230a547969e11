import Foundation
import ShopLookCore
import ShopLookKafka
import ShopLookTestSupport
import Testing

/// The hostile-upload corpus (`Benchmarks/hostile/make-corpus`, generated here from a test photo) through the
/// catalog fleet — the pose, detect and embed worker processes on one broker and schema — with good photos in the
/// same batch: every hostile image ends in a terminal state (refused ones rejected or dead-lettered with a reason),
/// every schema-violating message on every topic is dead-lettered with a reason, the good photos reach `embedded`,
/// no worker dies, and each worker's peak RSS stays under ``peakRSSCeiling``.
@Suite(
    .serialized, .requiresDatabase, .requiresBroker, .requiresModels,
    .requiresExecutables("shoplook-pose-worker", "shoplook-detect-worker", "shoplook-embed-worker")
) struct HostileInputTests {
    /// The ceiling on each worker's peak resident memory (VmHWM): the largest hostile image allowed in is a
    /// 40-megapixel photo (120 MB as RGB) and the models take about 150 MB.
    static let peakRSSCeiling = 768 << 20
    static let goodPhotoCount = 4

    typealias Entry = HostileCorpus.Entry

    /// VmHWM of a running process, in bytes.
    static func peakRSS(of pid: Int32) throws -> Int {
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kilobytes = Int(line.split(separator: " ").dropFirst().first ?? "")
        else { throw TestSupportError("no VmHWM in /proc/\(pid)/status") }
        return kilobytes * 1024
    }

    @Test func theFleetRefusesEveryHostileInputWithAReasonAndLosesNothingElse() async throws {
        let (directory, manifest) = try await HostileCorpus.generate(seedJPEG: TestModelFiles.testdata.appendingPathComponent("person.jpg"))
        defer { try? FileManager.default.removeItem(at: directory) }
        let images = manifest.filter { $0.kind == "image" }
        // The stage topics' messages (the query worker's and the searcher's are HostileQueryTests' and HostileEmbeddedTests').
        let messages = manifest.filter { $0.kind == "message" && ["new-image", "pose-filtered", "cropped-articles"].contains($0.topic ?? "") }
        #expect(manifest.count >= 200 && images.count >= 100 && messages.count >= 60, "\(manifest.count) entries")

        try await WorkerFixture.with(stage: .pose, alsoStages: [.detect, .embed]) { fixture in
            // A producer that may send the corpus's 1.5 MB messages (over the workers' 1 MiB cap, to see them refused).
            var kafka = fixture.broker.kafkaConfiguration(clientID: "hostile")
            kafka.properties["message.max.bytes"] = "4000000"
            let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(kafka: kafka), logger: fixture.logger)
            do {
                // Images: stored and announced as an upload would be (zero-byte files cannot be: byte_size > 0).
                var expectations: [String: Entry] = [:]
                var order: [(String, Entry)] = []
                // Product photos (no person: one article each), which the fleet embeds.
                let good = try TestImages.photoVariants(of: ["coffee.jpg", "chelsea.jpg"], in: TestModelFiles.testdata, count: 2)
                    + [try TestImages.crop(seed: 3), try TestImages.crop(seed: 4)]
                let goodEntries = good.map { ($0, Entry(file: nil, kind: "good", expect: "embedded", what: "a good photo")) }
                let hostile = try images.map { ([UInt8](try Data(contentsOf: directory.appendingPathComponent($0.file!))), $0) }
                // Good photos first, in the middle and last, so hostile ones surround them in every batch.
                let batch = [goodEntries[0]] + hostile.prefix(hostile.count / 2) + goodEntries[1..<3] + hostile.dropFirst(hostile.count / 2)
                    + [goodEntries[3]]
                for (bytes, entry) in batch where !bytes.isEmpty {
                    let imageID = try await fixture.store.put(bytes).rawValue
                    if expectations[imageID] != nil { continue }
                    expectations[imageID] = entry
                    order.append((imageID, entry))
                    try await fixture.pool.withConnection { connection in
                        _ = try await connection.execute(
                            "INSERT INTO images (image_id, blob_key, source, byte_size) VALUES ($1, $1, 'catalog', $2)", [imageID, bytes.count])
                    }
                    // Every upload names its catalog category (a product photo needs one to be searchable).
                    let message = NewImageMessage(
                        imageID: imageID, blobKey: imageID, source: .catalog, category: "shirt", superCategory: .upper,
                        byteSize: bytes.count, uploadedAt: Date())
                    _ = try await producer.send(KafkaRecord(
                        topic: fixture.topics.newImage, key: Array(imageID.utf8), value: try fixture.codec.encode(message)))
                }
                // Raw messages that violate their topic's schema, on each stage's input topic.
                var rawByStage: [PipelineStage: Int] = [:]
                for entry in messages {
                    let stage: PipelineStage = switch entry.topic {
                    case "new-image": .pose
                    case "pose-filtered": .detect
                    case "cropped-articles": .embed
                    default: throw TestSupportError("\(entry.file ?? ""): not a stage topic")
                    }
                    let bytes = [UInt8](try Data(contentsOf: directory.appendingPathComponent(entry.file!)))
                    _ = try await producer.send(KafkaRecord(topic: fixture.topics.input(for: stage), key: Array("hostile".utf8), value: bytes))
                    rawByStage[stage, default: 0] += 1
                }

                var workers: [(PipelineStage, TestProcess)] = []
                for stage in [PipelineStage.pose, .detect, .embed] {
                    let (worker, _) = try await fixture.startWorker(stage: stage, maxBatchSize: 8)
                    workers.append((stage, worker))
                }
                defer { for (_, worker) in workers { worker.send(SIGKILL) } }
                let running = workers

                // Every image terminal, every raw message dead-lettered (these counts only grow).
                try await withTimeout(.seconds(600), "every hostile input handled") {
                    while true {
                        let open = try await fixture.count("SELECT count(*) FROM images WHERE state NOT IN ('embedded', 'rejected', 'dead_lettered')")
                        // The raw messages' own dead letters: dead-lettered images have theirs too.
                        let letters = try await fixture.count("SELECT count(*) FROM dead_letters WHERE message_key = 'hostile'::bytea")
                        let died = await running.asyncFirst(where: { await $0.1.transcript.value.exit != nil })
                        if let died { throw TestSupportError("\(died.1.name) ended:\n\(await died.1.output())") }
                        if open == 0 && letters >= messages.count { return }
                        try await Task.sleep(for: .milliseconds(200))
                    }
                }

                // Images: the outcome of each, with its reason.
                let rows = try await fixture.pool.withConnection { connection in
                    try await connection.query("SELECT image_id, state, state_reason FROM images").map {
                        (try $0.decode(String.self, at: 0), try $0.decode(String.self, at: 1), try $0.decode(String?.self, at: 2))
                    }
                }
                var handled = 0
                var refusedCount = 0
                var outcomes: [String: Int] = [:]
                var reasons: [String: Int] = [:]
                for (imageID, state, reason) in rows {
                    let entry = try #require(expectations[imageID])
                    outcomes[state, default: 0] += 1
                    let refused = state == "rejected" || state == "dead_lettered"
                    if refused {
                        refusedCount += 1
                        let shown = (reason ?? "").replacing(/[0-9a-f]{64}/, with: "…").prefix(90)
                        reasons["\(state): \(shown)", default: 0] += 1
                    }
                    var ok = true
                    if refused && (reason ?? "").trimmingCharacters(in: .whitespaces).count < 8 {
                        ok = false
                        Issue.record("\(entry.what) (\(entry.file ?? "good")): \(state) without a clear reason: \(reason ?? "nil")")
                    }
                    switch entry.expect {
                    case "embedded" where state != "embedded":
                        ok = false
                        Issue.record("a good photo ended \(state): \(reason ?? "")")
                    case "refused" where !refused:
                        ok = false
                        Issue.record("\(entry.what) (\(entry.file!)) was not refused: \(state)")
                    default: break
                    }
                    if ok && entry.kind == "image" { handled += 1 }
                }
                #expect(rows.count == order.count)
                // Messages: one dead letter each, with an error and its kind, in the stage that read it.
                let letters = try await fixture.pool.withConnection { connection in
                    try await connection.query("SELECT stage, error, error_kind FROM dead_letters WHERE message_key = $1", [Array("hostile".utf8)]).map {
                        (try $0.decode(String.self, at: 0), try $0.decode(String.self, at: 1), try $0.decode(String.self, at: 2))
                    }
                }
                for stage in [PipelineStage.pose, .detect, .embed] {
                    let ofStage = letters.filter { $0.0 == stage.rawValue }
                    #expect(ofStage.count == rawByStage[stage], "\(stage): \(ofStage.count) dead letters of \(rawByStage[stage] ?? 0) hostile messages")
                    for (_, error, kind) in ofStage {
                        #expect(error.count >= 8 && !kind.isEmpty, "\(stage): unclear dead letter \(kind): \(error)")
                        // The envelope reached the dead-letter topic (a refusal would be appended to the error), and
                        // the error stayed short whatever the message made of it.
                        #expect(!error.contains("refused it"), "\(stage): \(error.prefix(300))")
                        #expect(error.utf8.count <= 8 << 10 /* DeadLetter.maximumErrorBytes */, "\(stage): \(error.utf8.count) bytes of error")
                    }
                }
                let lettersHandled = letters.filter { $0.1.count >= 8 && !$0.2.isEmpty }.count

                // Alive, and under the memory ceiling.
                var peaks: [String] = []
                for (stage, worker) in workers {
                    #expect(await worker.transcript.value.exit == nil, "\(stage) worker ended")
                    let peak = try Self.peakRSS(of: worker.processIdentifier)
                    #expect(peak < Self.peakRSSCeiling, "\(stage) worker peaked at \(peak >> 20) MiB")
                    peaks.append("\(stage.rawValue) \(peak >> 20) MiB")
                }
                for (_, worker) in workers { worker.send(SIGTERM) }
                for (stage, worker) in workers {
                    let exit = await worker.exit()
                    let output = await worker.output()
                    #expect(exit == .exited(0), "\(stage) worker did not stop cleanly:\n\(output)")
                }
                let hostileImages = order.filter { $0.1.kind == "image" }.count
                print("""
                    hostile inputs handled: \(handled + lettersHandled)/\(hostileImages + messages.count) \
                    (images \(handled)/\(hostileImages), \(refusedCount) refused with a reason; messages \(lettersHandled)/\(messages.count) \
                    dead-lettered); outcomes \(outcomes.sorted { $0.key < $1.key }); good photos embedded \
                    \(rows.filter { expectations[$0.0]?.kind == "good" && $0.1 == "embedded" }.count)/\(Self.goodPhotoCount); \
                    peak RSS \(peaks.joined(separator: ", ")) (ceiling \(Self.peakRSSCeiling >> 20) MiB)
                    reasons: \(reasons.sorted { $0.key < $1.key }.map { "\n  \($0.value)× \($0.key)" }.joined())
                    """)
            } catch {
                try? await producer.close()
                throw error
            }
            try await producer.close()
        }
    }
}

extension Array {
    func asyncFirst(where predicate: (Element) async -> Bool) async -> Element? {
        for element in self where await predicate(element) { return element }
        return nil
    }
}
