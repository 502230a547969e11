import ArgumentParser
import Foundation
import ShopLookCommandSupport
import ShopLookCore
import ShopLookKafka

/// Puts files on topics as they are, one record per file: raw messages for tests and drills (the chaos run's
/// schema-violating messages, a replayed dead letter). Nothing is checked against a schema.
struct ProduceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "produce",
        abstract: "Produce each file's bytes as one record, unchecked (for tests and drills: raw or hostile messages).",
        discussion: """
            `--topic T FILE…` puts the files on T; `--list FILE` reads lines `TOPIC<tab>PATH`. Records over librdkafka's \
            message.max.bytes (1,000,000 by default) need `--kafka-property message.max.bytes=N`. Prints one line per \
            record: topic, partition, offset, file.
            """)

    @OptionGroup var kafka: KafkaOptions

    @Option(help: "The topic for the files given as arguments (the prefix of --topic-prefix is not added).")
    var topic: String?

    @Option(help: "A file of lines TOPIC<tab>PATH.")
    var list: String?

    @Option(help: "The key of every record (default: none).")
    var key: String?

    @Argument(help: "Files to produce to --topic.")
    var files: [String] = []

    func validate() throws {
        guard (topic == nil) == files.isEmpty else { throw ValidationError("--topic and files go together") }
        guard topic != nil || list != nil else { throw ValidationError("give --topic with files, or --list") }
    }

    func run() async throws {
        let logger = CommandLogging.bootstrap(label: "shoplook.produce")
        var records: [(topic: String, path: String)] = files.map { (topic!, $0) }
        if let list {
            let text = try String(contentsOfFile: list, encoding: .utf8)
            for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: true).enumerated() {
                let fields = line.split(separator: "\t", maxSplits: 1).map(String.init)
                guard fields.count == 2, !fields[0].isEmpty else {
                    throw ValidationError("\(list) line \(index + 1): expected TOPIC<tab>PATH")
                }
                records.append((fields[0], fields[1]))
            }
        }
        let producer = try KafkaProducer(
            configuration: KafkaProducerConfiguration(kafka: try kafka.configuration(clientID: "shoplook-produce")), logger: logger)
        do {
            for (topic, path) in records {
                guard let data = FileManager.default.contents(atPath: path) else { throw ValidationError("cannot read \(path)") }
                let delivery = try await producer.send(KafkaRecord(topic: topic, key: key.map { Array($0.utf8) }, value: [UInt8](data)))
                print("\(topic)\t\(delivery.partition)\t\(delivery.offset)\t\(path)")
            }
        } catch {
            try? await producer.close()
            throw error
        }
        try await producer.close()
    }
}
