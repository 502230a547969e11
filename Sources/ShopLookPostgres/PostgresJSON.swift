import Foundation

/// A JSON document sent as `jsonb` (wire format: version byte `1`, then the UTF-8 JSON text).
///
/// Decodes from `jsonb` and `json` columns. The text is not validated on the client; the server rejects
/// invalid JSON (SQLSTATE 22P02).
public struct PostgresJSON: Sendable, Hashable, PostgresEncodable, PostgresDecodable {
    /// The JSON text.
    public var text: String

    public init(text: String) { self.text = text }

    /// Encodes `value` with `encoder`.
    public init<Value: Encodable>(encoding value: Value, encoder: JSONEncoder = JSONEncoder()) throws {
        self.text = String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// Decodes the JSON text as `type`.
    public func decode<Value: Decodable>(_ type: Value.Type, decoder: JSONDecoder = JSONDecoder()) throws -> Value {
        try decoder.decode(type, from: Data(text.utf8))
    }

    public static var postgresType: PostgresType { .jsonb }

    public func encode(into buffer: inout [UInt8]) {
        buffer.append(1)
        buffer.append(contentsOf: text.utf8)
    }

    public init(postgresBinary bytes: UnsafeRawBufferPointer, type: PostgresType) throws(PostgresError) {
        switch type {
        case .json:
            text = String(decoding: bytes, as: UTF8.self)
        case .jsonb:
            guard let version = bytes.first else {
                throw .badLength(PostgresJSON.self, type: type, expected: "at least 1", actual: 0)
            }
            guard version == 1 else {
                throw PostgresError(kind: .decoding, message: "unsupported jsonb format version \(version)")
            }
            text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes.dropFirst()), as: UTF8.self)
        default:
            throw .typeMismatch(PostgresJSON.self, expected: [.jsonb, .json], actual: type)
        }
    }
}
