import Foundation
import Hummingbird
import NIOCore

/// How the API writes JSON: snake_case keys as the types name them, keys sorted, slashes unescaped,
/// `application/json`.
public enum APIJSON {
    /// A response whose body is `value` as JSON.
    public static func response<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) throws -> Response {
        try response(bytes: try encode(value), status: status, headers: headers)
    }

    /// A response whose body is already-encoded JSON.
    public static func response(bytes: [UInt8], status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = "application/json"
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// `value` as JSON bytes.
    public static func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(value))
    }
}
