import ArgumentParser
import Foundation
import Logging
import ShopLookCore
import ShopLookDevBroker

@main
struct BrokerCommandLine: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shoplook-broker",
        abstract: "Development Kafka broker: librdkafka's mock cluster, with ShopLook's topics and failure injection.",
        discussion: """
            Not for production (point the workers at a real Kafka cluster there). Limits of librdkafka 2.0.2's \
            mock cluster: in memory only; each partition keeps only about 5 MiB, older records are dropped \
            silently; the first group join waits 3 s and later rebalances wait session.timeout.ms - 1 s \
            (use about 6000 ms locally); transactions are accepted but not enforced; CreateTopics is \
            unsupported (create topics with --topic or the control command create-topic).
            """,
        subcommands: [Serve.self, Control.self],
        defaultSubcommand: Serve.self
    )
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Start the cluster and serve until SIGTERM, SIGINT or the shutdown command.")

    @Option(help: "Number of brokers (1-32).")
    var brokers = 3

    @Option(help: "Replication factor of the topics created (default: min(3, brokers)).")
    var replicationFactor: Int?

    @Option(help: "Prefix of ShopLook's topic names.")
    var topicPrefix = ""

    @Flag(help: "Do not create ShopLook's topics.")
    var noDefaultTopics = false

    @Option(name: .customLong("topic"), help: "An extra topic to create, NAME:PARTITIONS (repeatable).")
    var extraTopics: [String] = []

    @Option(help: "File to write the bootstrap servers to (written atomically once the cluster is ready).")
    var bootstrapFile: String?

    @Option(help: "Unix socket for control commands (see 'shoplook-broker control --help').")
    var controlSocket: String?

    @Flag(help: "Exit when the parent process exits (for tests that start their own broker).")
    var exitWithParent = false

    func validate() throws {
        guard (1...32).contains(brokers) else { throw ValidationError("--brokers must be 1-32, got \(brokers)") }
        if let replicationFactor, !(1...brokers).contains(replicationFactor) {
            throw ValidationError("--replication-factor must be 1-\(brokers), got \(replicationFactor)")
        }
        for topic in extraTopics { _ = try parseTopic(topic) }
    }

    private func parseTopic(_ text: String) throws -> (String, Int) {
        let parts = text.split(separator: ":")
        guard parts.count == 2, let partitions = Int(parts[1]), partitions > 0 else {
            throw ValidationError("--topic expects NAME:PARTITIONS, got \"\(text)\"")
        }
        return (String(parts[0]), partitions)
    }

    func run() async throws {
        LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
        let logger = Logger(label: "shoplook-broker")
        let cluster = try MockKafkaCluster(brokers: brokers)
        let replicas = replicationFactor ?? min(3, brokers)
        var topics: [(String, Int)] = noDefaultTopics ? [] : ShopLookTopics(prefix: topicPrefix).all().map { ($0.name, $0.partitions) }
        topics += try extraTopics.map(parseTopic)
        for (name, partitions) in topics {
            try cluster.createTopic(name, partitions: partitions, replicationFactor: replicas)
        }
        let stop = AsyncStream<String>.makeStream()
        var server: BrokerControlServer?
        if let controlSocket {
            server = try BrokerControlServer(
                cluster: cluster, socketPath: controlSocket, defaultReplicationFactor: replicas, logger: logger,
                onShutdown: { stop.continuation.yield("shutdown command") })
            server?.start()
        }
        let bootstrap = cluster.bootstrapServers
        if let bootstrapFile {
            let temporary = bootstrapFile + ".tmp"
            try Data((bootstrap + "\n").utf8).write(to: URL(fileURLWithPath: temporary))
            guard rename(temporary, bootstrapFile) == 0 else {
                throw ValidationError("cannot write \(bootstrapFile): \(String(cString: strerror(errno)))")
            }
        }
        // The first line on stdout is the bootstrap address: callers wait for it to know the broker is ready.
        FileHandle.standardOutput.write(Data((bootstrap + "\n").utf8))
        logger.info("\(brokers) brokers at \(bootstrap); topics: \(topics.map { "\($0.0):\($0.1)" }.joined(separator: " "))")

        let signals = [SIGTERM, SIGINT].map { signalNumber -> DispatchSourceSignal in
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber)
            source.setEventHandler { stop.continuation.yield(signalNumber == SIGTERM ? "SIGTERM" : "SIGINT") }
            source.resume()
            return source
        }
        if exitWithParent {
            let parent = getppid()
            Thread.detachNewThread {
                while getppid() == parent { usleep(200_000) }
                stop.continuation.yield("parent exited")
            }
        }
        var reasons = stop.stream.makeAsyncIterator()
        let reason = await reasons.next() ?? "end"
        logger.info("stopping (\(reason))")
        signals.forEach { $0.cancel() }
        if let controlSocket { unlink(controlSocket) }
        if let bootstrapFile { unlink(bootstrapFile) }
        withExtendedLifetime((server, cluster)) {}
    }
}

struct Control: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "control",
        abstract: "Send one command to a running broker's control socket and print the answer.",
        discussion: """
            Commands: ping | bootstrap | topics | create-topic NAME PARTITIONS [REPLICAS] | broker-down ID | \
            broker-up ID | broker-rtt ID MS | set-leader TOPIC PARTITION BROKER | \
            push-errors API ERROR[,ERROR...] | clear-errors API | shutdown
            """)

    @Option(help: "The broker's control socket.")
    var socket: String

    @Argument(help: "The command and its arguments.")
    var command: [String]

    func run() throws {
        let answer = try BrokerControlClient(socketPath: socket).send(command.joined(separator: " "))
        if !answer.isEmpty { print(answer) }
    }
}
