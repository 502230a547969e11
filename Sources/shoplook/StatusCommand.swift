import ArgumentParser
import Foundation
import ShopLookCommandSupport
import ShopLookCore
import ShopLookKafka
import ShopLookPostgres

struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Summarise the fleet: catalog images per state and looks per state (PostgreSQL), each stage's consumer lag (Kafka).",
        discussion: "Reads the stages' committed offsets without joining their groups.")

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var kafka: KafkaOptions

    @Flag(help: "Print one JSON object instead of a table.")
    var json = false

    func run() async throws {
        let logger = CommandLogging.bootstrap(label: "shoplook.status")
        let pool = PostgresPool(configuration: try database.configuration(), maximumConnections: 1, logger: logger)
        let states = try await pool.withConnection { connection in
            try await connection.query("SELECT state, count(*) FROM images WHERE source = 'catalog' GROUP BY state ORDER BY state").map {
                (try $0.decode(String.self, at: 0), try $0.decode(Int.self, at: 1))
            }
        }
        let looks = try await pool.withConnection { connection in
            try await connection.query("SELECT state, count(*) FROM query_jobs GROUP BY state ORDER BY state").map {
                (try $0.decode(String.self, at: 0), try $0.decode(Int.self, at: 1))
            }
        }
        let deadLetters = try await pool.withConnection { connection in
            try await connection.query("SELECT stage, count(*) FROM dead_letters GROUP BY stage ORDER BY stage").map {
                (try $0.decode(String.self, at: 0), try $0.decode(Int.self, at: 1))
            }
        }
        await pool.close()
        let configuration = try kafka.configuration(clientID: "shoplook-status")
        var lags: [(stage: String, topic: String, lag: Int64, partitions: [PartitionLag])] = []
        let consumers = PipelineStage.allCases.map { (name: $0.rawValue, topic: kafka.topics.input(for: $0), group: kafka.topics.consumerGroup(for: $0)) }
            + [(name: "query", topic: kafka.topics.queryJobs, group: kafka.topics.queryConsumerGroup)]
        for consumer in consumers {
            let topic = consumer.topic
            let inspector = try KafkaGroupInspector(configuration: configuration, groupID: consumer.group, logger: logger)
            let partitions = try await inspector.lag(topic: topic)
            lags.append((consumer.name, topic, partitions.map(\.lag).reduce(0, +), partitions))
        }
        if json {
            JSONLineWriter().write([
                "images": Dictionary(uniqueKeysWithValues: states.map { ($0.0, $0.1) }),
                "looks": Dictionary(uniqueKeysWithValues: looks.map { ($0.0, $0.1) }),
                "dead_letters": Dictionary(uniqueKeysWithValues: deadLetters.map { ($0.0, $0.1) }),
                "stages": lags.map { entry in
                    ["stage": entry.stage, "topic": entry.topic, "lag": Int(entry.lag),
                     "partitions": entry.partitions.map { ["partition": Int($0.partition.partition), "lag": Int($0.lag),
                                                           "committed": $0.committed.map { Int($0) } ?? -1, "high": Int($0.highWatermark)] as [String: Any] }]
                        as [String: Any]
                },
            ])
            return
        }
        print("catalog images by state:")
        if states.isEmpty { print("  (none)") }
        for (state, count) in states { print("  \(state.padding(toLength: 14, withPad: " ", startingAt: 0)) \(count)") }
        print("looks by state:")
        if looks.isEmpty { print("  (none)") }
        for (state, count) in looks { print("  \(state.padding(toLength: 14, withPad: " ", startingAt: 0)) \(count)") }
        print("dead letters by stage:")
        if deadLetters.isEmpty { print("  (none)") }
        for (stage, count) in deadLetters { print("  \(stage.padding(toLength: 14, withPad: " ", startingAt: 0)) \(count)") }
        print("consumer lag by stage:")
        for entry in lags {
            let detail = entry.partitions.map { "\($0.partition.partition):\($0.lag)" }.joined(separator: " ")
            print("  \(entry.stage.padding(toLength: 8, withPad: " ", startingAt: 0)) \(entry.topic) lag \(entry.lag)  [\(detail)]")
        }
    }
}
