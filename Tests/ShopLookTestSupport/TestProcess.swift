import Foundation
import Synchronization

/// An executable of this package run as a child process by a test, its standard output and error collected
/// line by line so the test can wait for what it prints.
public final class TestProcess: Sendable {
    /// How the process ended.
    public enum Exit: Sendable, Equatable {
        case exited(Int32)
        case signalled(Int32)
    }

    /// What the process printed so far, and its exit once it has ended (after its last line).
    public struct Transcript: Sendable {
        public var lines: [String] = []
        public var exit: Exit?
    }

    private enum Event: Sendable {
        case line(String)
        case exit(Exit)
    }

    public let name: String
    public let transcript = Observed(Transcript())
    private let process: Process

    /// Starts `name` (found by ``TestPaths/executable(named:)``) with `arguments`, in this process's environment
    /// plus `environment`.
    public convenience init(_ name: String, arguments: [String], environment: [String: String] = [:]) throws {
        try self.init(executable: try TestPaths.executable(named: name), arguments: arguments, environment: environment)
    }

    /// Starts the program at `executable` (a tool outside this package, such as schemathesis), in `directory`
    /// when given.
    public init(executable: URL, arguments: [String], environment: [String: String] = [:], directory: URL? = nil) throws {
        let name = executable.lastPathComponent
        let process = Process()
        process.executableURL = executable
        if let directory { process.currentDirectoryURL = directory }
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        let (events, continuation) = AsyncStream.makeStream(of: Event.self)
        try process.run()
        self.name = name
        self.process = process
        // Reads on a thread of its own (blocking reads), in order; the exit is reported after the last line.
        let handle = output.fileHandleForReading
        Thread.detachNewThread {
            var pending: [UInt8] = []
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                pending += chunk
                while let newline = pending.firstIndex(of: 10) {
                    continuation.yield(.line(String(decoding: pending[..<newline], as: UTF8.self)))
                    pending.removeSubrange(...newline)
                }
            }
            if !pending.isEmpty { continuation.yield(.line(String(decoding: pending, as: UTF8.self))) }
            process.waitUntilExit()
            continuation.yield(.exit(process.terminationReason == .uncaughtSignal
                ? .signalled(process.terminationStatus) : .exited(process.terminationStatus)))
            continuation.finish()
        }
        let transcript = self.transcript
        Task {
            for await event in events {
                switch event {
                case .line(let line): await transcript.update { $0.lines.append(line) }
                case .exit(let exit): await transcript.update { $0.exit = exit }
                }
            }
        }
    }

    public var processIdentifier: Int32 { process.processIdentifier }

    /// Sends `signal` (SIGTERM, SIGKILL, …) to the process.
    public func send(_ signal: Int32) {
        kill(process.processIdentifier, signal)
    }

    /// The first line containing `text`; throws if the process ends without printing one.
    @discardableResult
    public func line(containing text: String) async throws -> String {
        let transcript = await self.transcript.wait { $0.lines.contains { $0.contains(text) } || $0.exit != nil }
        guard let line = transcript.lines.first(where: { $0.contains(text) }) else {
            throw TestSupportError("\(name) ended (\(transcript.exit!)) without printing “\(text)”:\n" + transcript.lines.joined(separator: "\n"))
        }
        return line
    }

    /// Waits for the process to end.
    public func exit() async -> Exit {
        await transcript.wait { $0.exit != nil }.exit!
    }

    /// Everything printed so far (for failure messages).
    public func output() async -> String {
        await transcript.value.lines.joined(separator: "\n")
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}

extension TestProcess {
    /// The `host:port` a server logs as "`announcement` HOST:PORT" once it listens (the API logs "api listening on").
    public func listeningAddress(announcement: String = "api listening on ", timeout: Duration = .seconds(60)) async throws -> String {
        let line = try await withTimeout(timeout, "\(name) listens") { try await self.line(containing: announcement) }
        guard let address = line.components(separatedBy: announcement).last?.split(separator: " ").first else {
            throw TestSupportError("no address in “\(line)”")
        }
        return String(address)
    }
}
