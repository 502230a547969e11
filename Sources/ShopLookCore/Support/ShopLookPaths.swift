import Foundation

/// Locates project folders such as `Schemas` or `Migrations` at run time.
///
/// Search order (the first existing directory wins):
/// 1. `$SHOPLOOK_HOME/<name>` when the `SHOPLOOK_HOME` environment variable is set;
/// 2. `<name>` in the current directory, then in each parent up to `/`;
/// 3. `<name>` next to the running executable, then in each parent up to `/`
///    (so `swift run` / `swift test` from `.build/<config>/` find the package root).
public enum ShopLookPaths {
    /// The environment variable naming the project root.
    public static let homeEnvironmentVariable = "SHOPLOOK_HOME"

    /// Finds the project folder `name` for this process.
    ///
    /// - Throws: ``ResourceLookupError`` listing every place searched.
    public static func directory(named name: String) throws(ResourceLookupError) -> URL {
        try directory(
            named: name,
            environment: ProcessInfo.processInfo.environment,
            currentDirectory: URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true),
            executable: currentExecutableURL()
        )
    }

    /// Finds the project folder `name` using explicit inputs (for tests and tools).
    ///
    /// - Parameters:
    ///   - environment: Where `SHOPLOOK_HOME` is looked up.
    ///   - currentDirectory: Start of the working-directory search, or `nil` to skip it.
    ///   - executable: The executable file whose directory starts the last search, or `nil` to skip it.
    public static func directory(
        named name: String,
        environment: [String: String],
        currentDirectory: URL?,
        executable: URL?
    ) throws(ResourceLookupError) -> URL {
        let candidates = candidateDirectories(
            named: name, environment: environment, currentDirectory: currentDirectory, executable: executable
        )
        for candidate in candidates where isDirectory(candidate) {
            return candidate
        }
        throw ResourceLookupError(
            name: name,
            searched: candidates.map(\.path),
            homeVariableSet: environment[homeEnvironmentVariable] != nil
        )
    }

    /// Every path ``directory(named:environment:currentDirectory:executable:)`` checks, in order.
    public static func candidateDirectories(
        named name: String,
        environment: [String: String],
        currentDirectory: URL?,
        executable: URL?
    ) -> [URL] {
        var candidates: [URL] = []
        if let home = environment[homeEnvironmentVariable], !home.isEmpty {
            candidates.append(URL(fileURLWithPath: home, isDirectory: true).appendingPathComponent(name, isDirectory: true))
        }
        if let currentDirectory {
            candidates += selfAndParents(of: currentDirectory).map { $0.appendingPathComponent(name, isDirectory: true) }
        }
        if let executable {
            let directory = executable.deletingLastPathComponent()
            candidates += selfAndParents(of: directory).map { $0.appendingPathComponent(name, isDirectory: true) }
        }
        var seen = Set<String>()
        return candidates.filter { seen.insert($0.standardizedFileURL.path).inserted }
    }

    /// The running executable, resolved through `/proc/self/exe` on Linux, else from `argv[0]`.
    public static func currentExecutableURL() -> URL? {
        if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            return URL(fileURLWithPath: target)
        }
        guard let argument = CommandLine.arguments.first, !argument.isEmpty else { return nil }
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)
        return URL(fileURLWithPath: argument, relativeTo: cwd).standardizedFileURL.resolvingSymlinksInPath()
    }

    private static func selfAndParents(of directory: URL) -> [URL] {
        var result: [URL] = []
        var current = directory.standardizedFileURL
        while true {
            result.append(current)
            let parent = current.deletingLastPathComponent().standardizedFileURL
            if parent.path == current.path || current.path == "/" { break }
            current = parent
        }
        return result
    }

    private static func isDirectory(_ url: URL) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) && isDirectory.boolValue
    }
}
