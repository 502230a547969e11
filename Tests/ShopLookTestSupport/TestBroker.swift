import Foundation
import ShopLookDevBroker
import ShopLookKafka

/// A development broker process started for one test, on its own ports and control socket.
public final class TestBroker: Sendable {
    public let bootstrapServers: String
    public let control: BrokerControlClient
    private let process: Process
    private let directory: URL

    /// Starts `shoplook-broker serve` and waits for it to print its bootstrap address.
    public init(brokers: Int = 3, topics: [String: Int] = [:]) async throws {
        let directory = URL(fileURLWithPath: "/tmp").appendingPathComponent("shoplook-test-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let socket = directory.appendingPathComponent("control.sock").path
        let process = Process()
        process.executableURL = try TestPaths.executable(named: "shoplook-broker")
        process.arguments = ["serve", "--brokers", String(brokers), "--no-default-topics", "--exit-with-parent",
                             "--control-socket", socket]
            + topics.sorted { $0.key < $1.key }.flatMap { ["--topic", "\($0.key):\($0.value)"] }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let handle = output.fileHandleForReading
        let line: String = try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                var bytes: [UInt8] = []
                while true {
                    let chunk = handle.availableData
                    if chunk.isEmpty {
                        continuation.resume(throwing: TestSupportError("shoplook-broker exited before printing its address"))
                        return
                    }
                    bytes += chunk
                    if let newline = bytes.firstIndex(of: 10) {
                        continuation.resume(returning: String(decoding: bytes[..<newline], as: UTF8.self))
                        return
                    }
                }
            }
        }
        self.bootstrapServers = line
        self.control = BrokerControlClient(socketPath: socket)
        self.process = process
        self.directory = directory
    }

    /// Creates a topic on the running broker.
    public func createTopic(_ name: String, partitions: Int) throws {
        try control.send("create-topic \(name) \(partitions)")
    }

    public func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: directory)
    }

    deinit {
        stop()
    }

    /// Consumer properties for the development broker, which answers a fetch that finds nothing only after
    /// the whole `fetch.wait.max.ms` (as the local stack sets them, `SHOPLOOK_KAFKA_CONSUMER_CONFIG`).
    public static let consumerProperties = ["fetch.wait.max.ms": "25"]

    /// Client settings for this broker; sessions short enough for quick rebalances on the mock.
    public func kafkaConfiguration(clientID: String = "shoplook-test") -> KafkaConfiguration {
        KafkaConfiguration(bootstrapServers: bootstrapServers, clientID: clientID, consumerProperties: Self.consumerProperties)
    }

    public func consumerConfiguration(group: String) -> KafkaConsumerConfiguration {
        var configuration = KafkaConsumerConfiguration(kafka: kafkaConfiguration(), groupID: group)
        configuration.sessionTimeout = .seconds(6)
        configuration.commitInterval = .milliseconds(200)
        return configuration
    }
}

public struct TestSupportError: Error, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}

public enum TestPaths {
    /// An executable of this package: `$SHOPLOOK_BIN_DIR/NAME`, or next to the running test binary.
    public static func executable(named name: String) throws -> URL {
        let environment = ProcessInfo.processInfo.environment
        var candidates: [URL] = []
        if let directory = environment["SHOPLOOK_BIN_DIR"] {
            candidates.append(URL(fileURLWithPath: directory).appendingPathComponent(name))
        }
        let testBinary = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var directory = testBinary.deletingLastPathComponent()
        for _ in 0..<4 {
            candidates.append(directory.appendingPathComponent(name))
            directory = directory.deletingLastPathComponent()
        }
        if let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) {
            return found
        }
        throw TestSupportError(
            "\(name) not found (looked in \(candidates.map(\.path).joined(separator: ", "))): build it first "
                + "with `swift build --build-tests`, or set SHOPLOOK_BIN_DIR")
    }

    /// A new empty directory under the system's temporary directory, named `prefix-<UUID>`.
    public static func scratchDirectory(_ prefix: String) -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// The package root, from this file's path.
    public static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }
}
