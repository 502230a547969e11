import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import ShopLookCore
import ShopLookKafka
import ShopLookTestSupport
import Testing

/// The hostile corpus's `embedded` records (`Benchmarks/hostile/make-corpus`) to a real searcher: it counts every
/// invalid one (`shoplook_searcher_records_invalid_total`) and logs each, adds nothing for them, stays up and ready,
/// and a valid vector announced after them becomes searchable.
@Suite(.serialized, .requiresDatabase, .requiresModels, .requiresExecutables("shoplook-broker", "shoplook-searcher"))
struct HostileEmbeddedTests {
    /// The searcher's count of invalid records, from its Prometheus endpoint (nil while it has none to show).
    static func invalidRecords(_ address: String) async throws -> Int? {
        try await SearcherFixture.metric("shoplook_searcher_records_invalid_total", at: address).map { Int($0) }
    }

    @Test func invalidEmbeddedRecordsAreCountedAndLoggedAndTheSearcherKeepsServing() async throws {
        let (directory, manifest) = try await HostileCorpus.generate(seedJPEG: TestModelFiles.testdata.appendingPathComponent("person.jpg"))
        defer { try? FileManager.default.removeItem(at: directory) }
        let entries = manifest.filter { $0.kind == "message" && $0.topic == "embedded" }
        let invalid = entries.filter { $0.expect == "invalid" }
        #expect(entries.count >= 50 && entries.allSatisfy { $0.expect == "invalid" || $0.expect == "ignored" }, "\(entries.count) entries")

        try await SearcherFixture.with { fixture in
            try await fixture.insertArticles(0..<100)
            let (searcher, address) = try await fixture.startSearcher()
            defer { searcher.send(SIGKILL) }
            try await fixture.waitForDirectory("every shard published") { $0.count == SearcherFixture.shards }
            #expect((try await Self.invalidRecords(address) ?? 0) == 0)

            // The hostile records, spread over every shard's partition (a producer that may send the 1.5 MB one) …
            var kafka = fixture.broker.kafkaConfiguration(clientID: "hostile")
            kafka.properties["message.max.bytes"] = "4000000"
            let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(kafka: kafka), logger: fixture.logger)
            do {
                let records = try entries.enumerated().map { index, entry in
                    KafkaRecord(
                        topic: fixture.topics.embedded, partition: Int32(index % SearcherFixture.shards), key: try HostileCorpus.key(of: entry),
                        value: try HostileCorpus.bytes(of: entry, in: directory))
                }
                _ = try await producer.send(records)
            } catch {
                try? await producer.close()
                throw error
            }
            try await producer.close()
            // … a well-formed record of a stored article on another shard's partition (invalid there: the article
            // would be in two shards) …
            let misplaced = EmbeddedMessage(
                articleID: SearcherFixture.articleID(5), imageID: SearcherFixture.imageID(5), productID: SearcherFixture.productID(5),
                superCategory: .upper, category: "shirt", modelVersion: SearcherFixture.modelVersion, dim: SearcherFixture.dimension,
                shard: SearcherFixture.shard(5))
            _ = try await fixture.producer.send(KafkaRecord(
                topic: fixture.topics.embedded, partition: Int32((SearcherFixture.shard(5) + 1) % SearcherFixture.shards),
                key: Array(misplaced.articleID.utf8), value: try fixture.codec.encode(misplaced)))
            // … then a valid one, on its shard: searchable once applied.
            try await fixture.insertArticles(100..<101)
            try await fixture.announce(100..<101)
            let hits = try await withTimeout(.seconds(120), "the article announced after the hostile records is searchable") {
                while true {
                    if await searcher.transcript.value.exit != nil { throw TestSupportError("the searcher ended:\n\(await searcher.output())") }
                    let (hits, answered) = try await fixture.search(SearcherFixture.vector(100))
                    if answered == Array(0..<SearcherFixture.shards), hits.first?.articleID == SearcherFixture.articleID(100) { return hits }
                    try await Task.sleep(for: .milliseconds(50))
                }
            }
            #expect((hits.first?.score ?? 0) > 0.99)

            // Every invalid record counted (the counter only grows: wait for it to reach the count, then check it is
            // exactly that) and logged with its reason.
            let counted = try await withTimeout(.seconds(120), "every invalid record counted") {
                while true {
                    if await searcher.transcript.value.exit != nil { throw TestSupportError("the searcher ended:\n\(await searcher.output())") }
                    let counted = try await Self.invalidRecords(address) ?? 0
                    if counted >= invalid.count + 1 { return counted }
                    try await Task.sleep(for: .milliseconds(100))
                }
            }
            #expect(counted == invalid.count + 1, "\(counted) records counted invalid of \(invalid.count) and the misplaced one")
            let logged = await searcher.output().split(separator: "\n").filter { $0.contains("invalid embedded record at ") }
            #expect(logged.count == invalid.count + 1, "\(logged.count) invalid records logged of \(invalid.count) and the misplaced one")
            var reasons: [String: Int] = [:]
            for line in logged {
                let reason = line.components(separatedBy: "]@").last.map { $0.drop { $0 != ":" }.dropFirst().trimmingCharacters(in: .whitespaces) } ?? ""
                #expect(reason.count >= 8, "an invalid record logged without a clear reason: \(line)")
                reasons[String(reason.prefix(70)), default: 0] += 1
            }

            // Up and ready; nothing was added for them (101 vectors: the catalog and the valid one).
            let health: HealthView = try await fixture.get("http://\(address)/healthz")
            #expect(health.status == "ready" && health.shards.map(\.shard) == [0, 1, 2, 3])
            #expect(health.shards.map(\.vectors).reduce(0, +) == 101, "\(health.shards.map(\.vectors))")
            #expect(await searcher.transcript.value.exit == nil, "the searcher ended")
            searcher.send(SIGTERM)
            #expect(await searcher.exit() == .exited(0))
            let handled = min(counted, logged.count, invalid.count) + (health.shards.map(\.vectors).reduce(0, +) == 101 ? entries.count - invalid.count : 0)
            print("""
                hostile embedded records handled: \(handled)/\(entries.count) (counted and logged invalid \(min(counted, logged.count))/\(invalid.count), \
                well-formed naming no article and without effect \(entries.count - invalid.count)); the searcher stayed ready and \
                served the vector announced after them
                reasons: \(reasons.sorted { $0.key < $1.key }.map { "\n  \($0.value)× \($0.key)" }.joined())
                """)
        }
    }
}
