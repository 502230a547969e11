import Foundation
import Synchronization

/// Loads `<name>.schema.json` files from one directory on first use and caches the
/// compiled schemas. Safe to share between tasks and threads.
///
/// ```swift
/// let registry = try SchemaRegistry()               // finds Schemas/ via ShopLookPaths
/// let schema = try registry.schema(named: "new-image")
/// ```
public final class SchemaRegistry: Sendable {
    /// File-name suffix of schema files.
    public static let fileSuffix = ".schema.json"

    /// The directory the schemas are read from.
    public let directory: URL
    private let cache = Mutex<[String: JSONSchema]>([:])

    /// A registry reading schemas from `directory`.
    public init(directory: URL) {
        self.directory = directory
    }

    /// A registry reading the project's `Schemas` folder, located by ``ShopLookPaths``.
    ///
    /// - Throws: ``ResourceLookupError`` when no `Schemas` folder can be found.
    public convenience init() throws(ResourceLookupError) {
        self.init(directory: try ShopLookPaths.directory(named: "Schemas"))
    }

    /// The compiled schema `name` (e.g. `"new-image"` for `new-image.schema.json`).
    ///
    /// The file is read and compiled once; later calls return the cached schema.
    /// - Throws: ``SchemaError/notFound(name:directory:)`` when the file is missing, or any
    ///   other ``SchemaError`` when it is unreadable, not JSON, or uses unsupported keywords.
    public func schema(named name: String) throws(SchemaError) -> JSONSchema {
        if let cached = cache.withLock({ $0[name] }) {
            return cached
        }
        let schema = try load(name)
        return cache.withLock { cache in
            // Another thread may have won the race; keep the first so all callers share one.
            if let existing = cache[name] { return existing }
            cache[name] = schema
            return schema
        }
    }

    /// Names of all `*.schema.json` files in ``directory``, sorted.
    public func availableSchemaNames() -> [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return files.filter { $0.hasSuffix(Self.fileSuffix) }
            .map { String($0.dropLast(Self.fileSuffix.count)) }
            .sorted()
    }

    /// Loads and compiles every schema in the directory, so a broken file fails at
    /// start-up rather than on the first message. Returns the names loaded.
    @discardableResult
    public func preloadAll() throws(SchemaError) -> [String] {
        let names = availableSchemaNames()
        for name in names {
            _ = try schema(named: name)
        }
        return names
    }

    private func load(_ name: String) throws(SchemaError) -> JSONSchema {
        guard !name.isEmpty, !name.contains("/"), !name.hasPrefix(".") else {
            throw .notFound(name: name, directory: directory.path)
        }
        let file = directory.appendingPathComponent(name + Self.fileSuffix)
        guard FileManager.default.fileExists(atPath: file.path) else {
            throw .notFound(name: name, directory: directory.path)
        }
        let bytes: Data
        do {
            bytes = try Data(contentsOf: file)
        } catch {
            throw .unreadable(path: file.path, reason: "\(error)")
        }
        return try JSONSchema(parsing: bytes, source: file.path)
    }
}
