import Foundation

/// A loaded ONNX Runtime: the library, its `OrtApi` table (probed at start-up) and one `OrtEnv`.
///
/// Create one per process and share it; sessions keep it alive, so the environment is released
/// only after the last session. This object itself is thread-safe (the `OrtEnv` and the API table
/// are immutable after creation); sessions are not.
public final class OnnxRuntime: @unchecked Sendable {
    // @unchecked: all stored properties are immutable; OrtEnv and the CPU OrtMemoryInfo are
    // only read after init, which ONNX Runtime allows from any thread.

    /// The library it was loaded from.
    public let library: RuntimeLibrary
    /// The library's version string, e.g. "1.32.0".
    public var version: String { api.libraryVersion }
    /// The `OrtApi` version in use (at most ``OrtApiTable/maximumApiVersion``).
    public var apiVersion: Int { Int(api.apiVersion) }

    let api: OrtApiTable
    let env: OpaquePointer
    /// CPU `OrtMemoryInfo` for tensors over Swift memory.
    let cpuMemoryInfo: OpaquePointer
    /// ORT's default allocator (never freed; owned by ORT).
    let defaultAllocator: OpaquePointer

    /// Loads the library at `path`.
    public convenience init(libraryPath: String, logLevel: LogLevel = .warning) throws(RuntimeError) {
        try self.init(library: RuntimeLibrary.open(path: libraryPath), logLevel: logLevel)
    }

    /// Loads the library from its place under `modelsDirectory` (`onnxruntime/libonnxruntime.so*`).
    public convenience init(modelsDirectory: String, logLevel: LogLevel = .warning) throws(RuntimeError) {
        try self.init(library: RuntimeLibrary.open(.onnxRuntime, modelsDirectory: modelsDirectory), logLevel: logLevel)
    }

    /// Reads and probes the API table of an opened library and creates the environment.
    public init(library: RuntimeLibrary, logLevel: LogLevel = .warning) throws(RuntimeError) {
        self.library = library
        let api = try OrtApiTable(library: library)
        self.api = api

        var allocator: OpaquePointer?
        try api.check(api.getAllocatorWithDefaultOptions(&allocator))
        guard let allocator else { throw .apiMismatch(library: library.path, reason: "no default allocator") }
        defaultAllocator = allocator

        var env: OpaquePointer?
        try api.check(api.createEnv(logLevel.rawValue, "shoplook", &env))
        guard let env else { throw .apiMismatch(library: library.path, reason: "CreateEnv gave NULL") }

        var info: OpaquePointer?
        do {
            try api.check(api.createCpuMemoryInfo(0 /* OrtDeviceAllocator */, 0 /* OrtMemTypeDefault */, &info))
        } catch {
            api.releaseEnv(env)
            throw error
        }
        guard let info else {
            api.releaseEnv(env)
            throw .apiMismatch(library: library.path, reason: "CreateCpuMemoryInfo gave NULL")
        }
        self.env = env
        cpuMemoryInfo = info
    }

    deinit {
        api.releaseMemoryInfo(cpuMemoryInfo)
        api.releaseEnv(env)
    }

    /// `OrtLoggingLevel`: the minimum severity ONNX Runtime prints to stderr.
    public enum LogLevel: Int32, Sendable {
        case verbose = 0, info = 1, warning = 2, error = 3, fatal = 4
    }
}

/// Options of an ``OnnxSession``.
public struct OnnxSessionOptions: Sendable, Equatable {
    /// `SetIntraOpNumThreads`: threads used inside one operator. 1 (the default) runs every
    /// operator on the calling thread and creates no thread pool.
    public var intraOpThreads: Int
    /// `SetInterOpNumThreads` (execution is sequential, so 1 is all that is used).
    public var interOpThreads: Int
    /// `SetSessionGraphOptimizationLevel`; default `.all`.
    public var graphOptimization: GraphOptimization
    /// `session.intra_op.allow_spinning` (and `session.inter_op.allow_spinning`).
    ///
    /// Default **false**: after a run, idle pool threads go to sleep instead of busy-waiting for
    /// the next one. On the 2-core production machine spinning workers take CPU from the other
    /// pipeline stages; the price is a little wake-up latency, and only when `intraOpThreads > 1`
    /// (with one thread there is no pool and the setting does nothing). ONNX Runtime's own
    /// default is true.
    public var allowSpinning: Bool
    /// `EnableMemPattern` / `DisableMemPattern`. Default **false**: intermediate tensors come from the CPU
    /// arena, which keeps its memory. With the pattern, each input shape gets one block for all of them, and
    /// blocks that big bypass the arena (glibc maps and unmaps them), so a run with a batch of crops page-faults
    /// its tens of megabytes afresh; the pipeline spent about 3% of its workers' CPU on that.
    public var memoryPattern: Bool
    /// More `AddSessionConfigEntry` key/value pairs, applied after the ones above.
    public var extraConfigEntries: [String: String]

    public init(
        intraOpThreads: Int = 1,
        interOpThreads: Int = 1,
        graphOptimization: GraphOptimization = .all,
        allowSpinning: Bool = false,
        memoryPattern: Bool = false,
        extraConfigEntries: [String: String] = [:]
    ) {
        self.intraOpThreads = intraOpThreads
        self.interOpThreads = interOpThreads
        self.graphOptimization = graphOptimization
        self.allowSpinning = allowSpinning
        self.memoryPattern = memoryPattern
        self.extraConfigEntries = extraConfigEntries
    }

    /// `GraphOptimizationLevel`.
    public enum GraphOptimization: Int32, Sendable {
        case disabled = 0, basic = 1, extended = 2, all = 99
    }
}
