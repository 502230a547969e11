import Foundation
import Logging

/// Serves ``BrokerCommand``s on a Unix-domain socket, one thread per connection.
public final class BrokerControlServer: @unchecked Sendable {
    private let cluster: MockKafkaCluster
    private let defaultReplicationFactor: Int
    private let logger: Logger
    private let onShutdown: @Sendable () -> Void
    public let socketPath: String
    private let listener: Int32

    /// Binds the socket now (so a client can connect as soon as this returns); serving starts with `start()`.
    public init(
        cluster: MockKafkaCluster, socketPath: String, defaultReplicationFactor: Int, logger: Logger,
        onShutdown: @escaping @Sendable () -> Void
    ) throws(MockClusterError) {
        self.cluster = cluster
        self.socketPath = socketPath
        self.defaultReplicationFactor = defaultReplicationFactor
        self.logger = logger
        self.onShutdown = onShutdown
        let socket = try UnixSocket.listen(path: socketPath)
        // The server owns the descriptor for the life of the process.
        self.listener = dup(socket.descriptor)
    }

    public func start() {
        let thread = Thread { [self] in acceptLoop() }
        thread.name = "broker-control"
        thread.start()
    }

    private func acceptLoop() {
        let listening = UnixSocket(descriptor: listener)
        while true {
            let client = listening.accept()
            guard client >= 0 else {
                logger.error("control socket accept failed: \(String(cString: strerror(errno)))")
                return
            }
            let thread = Thread { [self] in serve(UnixSocket(descriptor: client)) }
            thread.start()
        }
    }

    private func serve(_ connection: consuming UnixSocket) {
        var buffer: [UInt8] = []
        do {
            while let line = try connection.readLine(buffer: &buffer) {
                let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
                if trimmed.isEmpty { continue }
                let answer: String
                var shutdown = false
                do {
                    let command = try BrokerCommand(parsing: trimmed)
                    answer = command.run(on: cluster, defaultReplicationFactor: defaultReplicationFactor)
                    shutdown = command == .shutdown
                } catch {
                    answer = "error \(error)"
                }
                logger.info("control: \(trimmed) → \(answer)")
                try connection.writeAll(answer + "\n")
                if shutdown { onShutdown() }
            }
        } catch {
            logger.warning("control connection: \(error)")
        }
    }
}

/// A client of the development broker's control socket, for tests and the `shoplook-broker ctl` command.
public struct BrokerControlClient: Sendable {
    public let socketPath: String

    public init(socketPath: String) {
        self.socketPath = socketPath
    }

    /// Sends one command line and returns the answer after `ok`; throws with the broker's message on `error`.
    @discardableResult
    public func send(_ command: String) throws(MockClusterError) -> String {
        let socket = try UnixSocket.connect(path: socketPath)
        try socket.writeAll(command + "\n")
        var buffer: [UInt8] = []
        guard let answer = try socket.readLine(buffer: &buffer) else {
            throw MockClusterError("the broker closed the control connection without answering \"\(command)\"")
        }
        if answer == "ok" { return "" }
        if answer.hasPrefix("ok ") { return String(answer.dropFirst(3)) }
        throw MockClusterError(answer.hasPrefix("error ") ? String(answer.dropFirst(6)) : answer)
    }
}
