/// A Swift value that can be sent to PostgreSQL as a parameter (or a COPY field) in binary format.
///
/// `postgresType` is the OID sent with the parameter (`PQexecParams`' `paramTypes`), so the server never has to
/// guess; `encode(into:)` **appends** the value's binary wire representation (`typsend` format, without the
/// length prefix) to the buffer. `NULL` is Swift `nil`: parameters are `[(any PostgresEncodable)?]`.
///
/// | Swift | PostgreSQL | wire format |
/// |---|---|---|
/// | `Int`, `Int64` | `int8` | 8 bytes big-endian |
/// | `Int32` | `int4` | 4 bytes big-endian |
/// | `Int16` | `int2` | 2 bytes big-endian |
/// | `Double` / `Float` | `float8` / `float4` | IEEE 754 bits, big-endian |
/// | `Bool` | `bool` | 1 byte, 0 or 1 |
/// | `String` | `text` | UTF-8 bytes |
/// | `[UInt8]`, `Data` | `bytea` | raw bytes |
/// | `Date` | `timestamptz` | int64 microseconds since 2000-01-01 00:00:00 UTC |
/// | `UUID` | `uuid` | 16 bytes |
/// | ``PostgresJSON`` | `jsonb` | version byte 1 + UTF-8 JSON text |
/// | ``Float32Vector`` | `bytea` | little-endian float32s, 4 bytes each |
/// | `[Int]`, `[Int32]`, `[Int16]`, `[Double]`, `[Float]`, `[String]`, `[Bool]` | `int8[]`, … | 1-D array format |
public protocol PostgresEncodable: Sendable {
    /// The type OID sent with the value.
    static var postgresType: PostgresType { get }
    /// Appends the binary representation of the value to `buffer`.
    func encode(into buffer: inout [UInt8])
}

extension Int: PostgresEncodable {
    public static var postgresType: PostgresType { .int8 }
    @inlinable public func encode(into buffer: inout [UInt8]) { buffer.appendBigEndian(Int64(self)) }
}

extension Int64: PostgresEncodable {
    public static var postgresType: PostgresType { .int8 }
    @inlinable public func encode(into buffer: inout [UInt8]) { buffer.appendBigEndian(self) }
}

extension Int32: PostgresEncodable {
    public static var postgresType: PostgresType { .int4 }
    @inlinable public func encode(into buffer: inout [UInt8]) { buffer.appendBigEndian(self) }
}

extension Int16: PostgresEncodable {
    public static var postgresType: PostgresType { .int2 }
    @inlinable public func encode(into buffer: inout [UInt8]) { buffer.appendBigEndian(self) }
}

extension Double: PostgresEncodable {
    public static var postgresType: PostgresType { .float8 }
    @inlinable public func encode(into buffer: inout [UInt8]) { buffer.appendBigEndian(bitPattern) }
}

extension Float: PostgresEncodable {
    public static var postgresType: PostgresType { .float4 }
    @inlinable public func encode(into buffer: inout [UInt8]) { buffer.appendBigEndian(bitPattern) }
}

extension Bool: PostgresEncodable {
    public static var postgresType: PostgresType { .bool }
    @inlinable public func encode(into buffer: inout [UInt8]) { buffer.append(self ? 1 : 0) }
}

extension String: PostgresEncodable {
    public static var postgresType: PostgresType { .text }
    @inlinable public func encode(into buffer: inout [UInt8]) { buffer.append(contentsOf: utf8) }
}

extension Substring: PostgresEncodable {
    public static var postgresType: PostgresType { .text }
    @inlinable public func encode(into buffer: inout [UInt8]) { buffer.append(contentsOf: utf8) }
}

/// `[UInt8]` is `bytea`; arrays of other ``PostgresArrayElement`` types are PostgreSQL arrays.
extension Array: PostgresEncodable where Element: PostgresArrayElement {
    public static var postgresType: PostgresType { Element.postgresArrayType }
    public func encode(into buffer: inout [UInt8]) { Element.encodeArray(self, into: &buffer) }
}
