import Foundation

/// A shared library of a model runtime, opened with `dlopen(RTLD_NOW | RTLD_LOCAL)`.
///
/// The libraries are not linked at build time: the package builds (and everything that depends
/// on it builds) without them; they are fetched by `Deploy/fetch-models` into the project's
/// `.models/` directory:
///
///     .models/onnxruntime/libonnxruntime.so[.<version>]
///     .models/litert/libLiteRt.so
///
/// The library is deliberately never `dlclose`d: both runtimes start threads and register
/// thread-local destructors, and unloading them while anything may still run is unsafe. Opening
/// the same path twice returns the same loader handle (the loader reference-counts it).
public final class RuntimeLibrary: @unchecked Sendable {
    // @unchecked: immutable after init; the handle is only used with dlsym, which is thread-safe.

    /// Which runtime a library file belongs to, and where it lives under the models directory.
    public enum Kind: String, Sendable, CaseIterable {
        case onnxRuntime
        case liteRt

        /// Sub-directory of the models directory holding the library.
        public var directory: String {
            switch self {
            case .onnxRuntime: "onnxruntime"
            case .liteRt: "litert"
            }
        }

        /// Unversioned file name of the library.
        public var fileName: String {
            switch self {
            case .onnxRuntime: "libonnxruntime.so"
            case .liteRt: "libLiteRt.so"
            }
        }
    }

    /// Absolute path of the file that was opened.
    public let path: String
    let handle: UnsafeMutableRawPointer

    private init(path: String, handle: UnsafeMutableRawPointer) {
        self.path = path
        self.handle = handle
    }

    /// Opens the library at `path`.
    ///
    /// - Throws: `.fileMissing` (with the fetch-models hint) when there is no such file,
    ///   `.libraryLoadFailed` with the `dlerror()` text when the loader refuses it.
    public static func open(path: String) throws(RuntimeError) -> RuntimeLibrary {
        guard FileManager.default.fileExists(atPath: path) else {
            throw .fileMissing(path: path, hint: RuntimeError.fetchModelsHint)
        }
        switch DynamicLoader.open(path) {
        case .success(let handle):
            return RuntimeLibrary(path: path, handle: handle)
        case .failure(let failure):
            throw .libraryLoadFailed(path: path, reason: failure.reason)
        }
    }

    /// Opens the `kind` library from its default place under `modelsDirectory`
    /// (see ``defaultLibraryPath(_:modelsDirectory:)``).
    public static func open(_ kind: Kind, modelsDirectory: String) throws(RuntimeError) -> RuntimeLibrary {
        try open(path: defaultLibraryPath(kind, modelsDirectory: modelsDirectory))
    }

    /// The models directory: `$SHOPLOOK_MODELS` when set and non-empty, else `<projectRoot>/.models`.
    /// The project root is found by the caller.
    public static func modelsDirectory(
        projectRoot: String,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> String {
        if let fromEnvironment = environment["SHOPLOOK_MODELS"], !fromEnvironment.isEmpty {
            return fromEnvironment
        }
        return (projectRoot as NSString).appendingPathComponent(".models")
    }

    /// Where the `kind` library is expected under `modelsDirectory`.
    ///
    /// For ONNX Runtime the unversioned `libonnxruntime.so` is preferred; when only versioned
    /// files (`libonnxruntime.so.1.32.0`) are there, the highest version is used. When nothing is
    /// there, the unversioned path is returned (so the "missing file" error names it).
    public static func defaultLibraryPath(_ kind: Kind, modelsDirectory: String) -> String {
        let directory = (modelsDirectory as NSString).appendingPathComponent(kind.directory)
        let plain = (directory as NSString).appendingPathComponent(kind.fileName)
        if FileManager.default.fileExists(atPath: plain) { return plain }
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return plain }
        let prefix = kind.fileName + "."
        let versioned = names.filter { $0.hasPrefix(prefix) }
            .sorted { lhs, rhs in
                versionKey(String(lhs.dropFirst(prefix.count))).lexicographicallyPrecedes(
                    versionKey(String(rhs.dropFirst(prefix.count))))
            }
        guard let best = versioned.last else { return plain }
        return (directory as NSString).appendingPathComponent(best)
    }

    private static func versionKey(_ suffix: String) -> [Int] {
        suffix.split(separator: ".").map { Int($0) ?? -1 }
    }

    /// The address of `name`, or `.symbolMissing` with the `dlerror()` text.
    func symbol(_ name: String) throws(RuntimeError) -> UnsafeMutableRawPointer {
        switch DynamicLoader.symbol(handle, name) {
        case .success(let pointer): return pointer
        case .failure(let failure): throw .symbolMissing(library: path, symbol: name, reason: failure.reason)
        }
    }

    /// The address of `name`, or nil.
    func optionalSymbol(_ name: String) -> UnsafeMutableRawPointer? {
        try? symbol(name)
    }
}
