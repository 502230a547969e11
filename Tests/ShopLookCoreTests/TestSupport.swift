import Foundation
import ShopLookCore
import Testing

/// Shared fixtures: the package's `Schemas/` folder and a codec reading it.
enum Fixtures {
    /// The package root, found from this source file (`Tests/ShopLookCoreTests/TestSupport.swift`).
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // ShopLookCoreTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // package root

    static let schemasDirectory = packageRoot.appendingPathComponent("Schemas", isDirectory: true)

    static let registry = SchemaRegistry(directory: schemasDirectory)

    static let codec = MessageCodec(registry: registry)

    /// The raw schema document `name`, parsed from its file.
    static func schemaDocument(_ name: String) throws -> JSONValue {
        let data = try Data(contentsOf: schemasDirectory.appendingPathComponent(name + ".schema.json"))
        return try JSONValue.parse(data)
    }

    /// The schema `name`, compiled straight from its file (bypassing the registry cache).
    static func schema(_ name: String) throws -> JSONSchema {
        try JSONSchema(parsing: Data(contentsOf: schemasDirectory.appendingPathComponent(name + ".schema.json")), source: name)
    }

    /// Encodes `message` (validated) and parses the result into a JSON tree.
    static func json<M: ShopLookMessage>(_ message: M) throws -> JSONValue {
        try JSONValue.parse(codec.encode(message))
    }

    /// A fresh empty temporary directory.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("shoplook-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

extension JSONValue {
    /// Returns a copy with object member `key` set to `value` (or removed when `value` is nil),
    /// following `path` (object keys or array indices as strings) to the object to change.
    func setting(_ key: String, to value: JSONValue?, at path: [String] = []) -> JSONValue {
        if let first = path.first {
            let rest = Array(path.dropFirst())
            switch self {
            case .object(var members):
                members[first] = members[first]?.setting(key, to: value, at: rest)
                return .object(members)
            case .array(var items):
                let index = Int(first)!
                items[index] = items[index].setting(key, to: value, at: rest)
                return .array(items)
            default:
                return self
            }
        }
        guard case .object(var members) = self else { return self }
        members[key] = value
        return .object(members)
    }

    /// The compact JSON text as bytes.
    var bytes: [UInt8] { Array(description.utf8) }
}

/// Dates with whole milliseconds survive the RFC 3339 round trip exactly.
let sampleDate = Date(timeIntervalSince1970: 1_714_564_800.5)  // 2024-05-01T12:00:00.500Z

let hexA = SHA256.hexDigest(Array("a".utf8))
let hexB = SHA256.hexDigest(Array("b".utf8))
let hexC = SHA256.hexDigest(Array("c".utf8))
let hexD = SHA256.hexDigest(Array("d".utf8))
