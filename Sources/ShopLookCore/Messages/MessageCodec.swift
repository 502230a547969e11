import Foundation

/// Encodes and decodes ShopLook messages as JSON, enforcing their JSON Schemas.
///
/// Encoding writes sorted keys, unescaped slashes, RFC 3339 UTC dates with
/// milliseconds (`2024-05-01T12:00:00.000Z`), base64 for binary fields, and omits
/// `nil` optionals. Decoding first parses the bytes and validates them against the
/// message's schema, reporting every violation, and only then decodes the Swift type.
///
/// ```swift
/// let codec = try MessageCodec()                      // Schemas/ via ShopLookPaths
/// let bytes = try codec.encode(message)
/// let decoded = try codec.decode(NewImageMessage.self, from: bytes)
/// ```
public struct MessageCodec: Sendable {
    /// Every message type defined by ShopLook.
    public static let messageTypes: [any ShopLookMessage.Type] = [
        NewImageMessage.self, PoseFilteredMessage.self, CroppedArticlesMessage.self,
        EmbeddedMessage.self, DeadLetterEnvelope.self, LookQueryMessage.self,
    ]

    /// Where schemas come from.
    public let registry: SchemaRegistry
    /// Whether ``encode(_:)`` also validates its output (on by default, so a producer
    /// can never publish a message its consumers would reject).
    public var validatesOnEncode: Bool

    /// A codec using the schemas in `registry`.
    public init(registry: SchemaRegistry, validatesOnEncode: Bool = true) {
        self.registry = registry
        self.validatesOnEncode = validatesOnEncode
    }

    /// A codec using the project's `Schemas/` folder, located by ``ShopLookPaths``.
    public init() throws(ResourceLookupError) {
        self.init(registry: try SchemaRegistry())
    }

    /// Loads and compiles the schema of every type in ``messageTypes`` so that a missing
    /// or broken schema fails at start-up instead of on the first message.
    public func preloadSchemas() throws(MessageError) {
        for type in Self.messageTypes {
            _ = try schema(named: type.schemaName)
        }
    }

    /// Encodes `message` as UTF-8 JSON bytes.
    ///
    /// - Throws: ``MessageError/unsupportedVersion(_:)`` when `message.version` is not the
    ///   current version, ``MessageError/invalidJSON(_:)`` for values JSON cannot hold
    ///   (NaN, infinity), and ``MessageError/schemaViolation(schema:violations:)`` when the
    ///   output does not satisfy the schema (e.g. a malformed hex id).
    public func encode<M: ShopLookMessage>(_ message: M) throws(MessageError) -> [UInt8] {
        guard message.version == M.currentVersion else { throw .unsupportedVersion(message.version) }
        let bytes: [UInt8]
        do {
            bytes = Array(try Self.makeEncoder().encode(message))
        } catch {
            throw .invalidJSON("cannot encode \(M.schemaName) message as JSON: \(Self.describe(error))")
        }
        if validatesOnEncode {
            _ = try validate(bytes, schemaName: M.schemaName)
        }
        return bytes
    }

    /// Decodes a message of type `M` from UTF-8 JSON bytes, validating them against
    /// `M.schemaName` first. The bytes are parsed once (``parse(_:schemaName:)``); the validator and
    /// the Swift type read the same tree.
    ///
    /// - Throws: ``MessageError/invalidJSON(_:)`` when the bytes are not JSON,
    ///   ``MessageError/schemaViolation(schema:violations:)`` listing every violation,
    ///   ``MessageError/unsupportedVersion(_:)`` when the schema admits a version this code
    ///   cannot read, and ``MessageError/schemaNotFound(_:)`` / ``MessageError/invalidSchema(name:reason:)``
    ///   when the schema itself is unavailable.
    public func decode<M: ShopLookMessage>(_ type: M.Type, from bytes: [UInt8]) throws(MessageError) -> M {
        try decode(type, from: try parse(bytes, schemaName: M.schemaName))
    }

    /// Decodes a message of type `M` from a parsed document (``parse(_:schemaName:)``), validating it
    /// against `M.schemaName` first.
    public func decode<M: ShopLookMessage>(_ type: M.Type, from json: JSONValue) throws(MessageError) -> M {
        try check(json, against: try schema(named: M.schemaName), schemaName: M.schemaName)
        let message: M
        do {
            message = try JSONValueDecoder().decode(M.self, from: json)
        } catch let error as DecodingError {
            throw .schemaViolation(schema: M.schemaName, violations: [Self.violation(from: error)])
        } catch {
            throw .invalidJSON("cannot decode \(M.schemaName) message: \(error)")
        }
        guard message.version == M.currentVersion else { throw .unsupportedVersion(message.version) }
        return message
    }

    /// Parses `bytes` as JSON (no schema applied yet); `schemaName` only names the message in the error.
    public func parse(_ bytes: [UInt8], schemaName: String) throws(MessageError) -> JSONValue {
        do {
            return try JSONValue.parse(bytes)
        } catch {
            throw .invalidJSON("\(schemaName) message is not valid JSON: \(error.description)")
        }
    }

    /// Parses `bytes` and validates them against the schema `schemaName`, returning the parsed JSON.
    @discardableResult
    public func validate(_ bytes: [UInt8], schemaName: String) throws(MessageError) -> JSONValue {
        let schema = try schema(named: schemaName)
        let json = try parse(bytes, schemaName: schemaName)
        try check(json, against: schema, schemaName: schemaName)
        return json
    }

    /// Throws every violation of `schema` by `json`.
    private func check(_ json: JSONValue, against schema: JSONSchema, schemaName: String) throws(MessageError) {
        let violations = schema.validate(json)
        guard violations.isEmpty else { throw .schemaViolation(schema: schemaName, violations: violations) }
    }

    private func schema(named name: String) throws(MessageError) -> JSONSchema {
        do {
            return try registry.schema(named: name)
        } catch .notFound {
            throw .schemaNotFound(name)
        } catch {
            throw .invalidSchema(name: name, reason: error.description)
        }
    }

    // MARK: - Foundation coders

    static func makeEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(RFC3339.string(from: date))
        }
        encoder.dataEncodingStrategy = .base64
        encoder.nonConformingFloatEncodingStrategy = .throw
        return encoder
    }

    /// Turns a `DecodingError` (the schema admitted something the Swift type cannot hold)
    /// into a violation, with a JSON Pointer path where Foundation reports one.
    private static func violation(from error: DecodingError) -> SchemaViolation {
        let (path, detail): ([any CodingKey], String) = switch error {
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            (context.codingPath, context.debugDescription)
        case .keyNotFound(let key, let context):
            (context.codingPath + [key], "required property \"\(key.stringValue)\" is missing")
        @unknown default:
            ([], "\(error)")
        }
        let pointer = path.map { "/" + escapePointer($0.intValue.map(String.init) ?? $0.stringValue) }.joined()
        let hint = pointer.isEmpty ? " (a value the schema allows does not fit its Swift type, e.g. an integer out of range)" : ""
        return SchemaViolation(path: pointer, keyword: "decoding", message: "cannot be decoded: " + detail + hint)
    }

    private static func describe(_ error: any Error) -> String {
        if case EncodingError.invalidValue(let value, let context) = error {
            let pointer = context.codingPath.map { "/" + ($0.intValue.map(String.init) ?? $0.stringValue) }.joined()
            return "\(pointer.isEmpty ? "(root)" : pointer): \(value) cannot be represented in JSON"
        }
        return "\(error)"
    }
}
