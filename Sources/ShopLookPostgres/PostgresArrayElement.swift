/// A type whose Swift arrays map to one PostgreSQL type.
///
/// For most element types an array is a one-dimensional PostgreSQL array in binary format:
/// `int32 ndim (0 or 1)`, `int32 flags (0)`, `uint32 element OID`, then for the dimension `int32 length`,
/// `int32 lower bound (1)`, then per element `int32 length` + bytes (`-1` = NULL, rejected when decoding).
/// `UInt8` is the exception: `[UInt8]` is `bytea`.
public protocol PostgresArrayElement: Sendable {
    /// The array type OID sent for `[Self]` (for example `int8[]` for `Int`).
    static var postgresArrayType: PostgresType { get }
    /// Array type OIDs `[Self]` decodes from (for example `int2[]`, `int4[]`, `int8[]` for `Int`).
    static var acceptedPostgresArrayTypes: [PostgresType] { get }
    /// Appends the binary representation of `elements` as a `postgresArrayType` value.
    static func encodeArray(_ elements: [Self], into buffer: inout [UInt8])
    /// Decodes a value of one of `acceptedPostgresArrayTypes`.
    static func decodeArray(from bytes: UnsafeRawBufferPointer, type: PostgresType) throws(PostgresError) -> [Self]
}

extension PostgresArrayElement where Self: PostgresEncodable {
    public static func encodeArray(_ elements: [Self], into buffer: inout [UInt8]) {
        buffer.appendBigEndian(Int32(elements.isEmpty ? 0 : 1))  // dimensions
        buffer.appendBigEndian(Int32(0))  // flags: no NULLs
        buffer.appendBigEndian(postgresType.rawValue)
        guard !elements.isEmpty else { return }
        buffer.appendBigEndian(Int32(elements.count))
        buffer.appendBigEndian(Int32(1))  // lower bound
        for element in elements {
            let lengthOffset = buffer.count
            buffer.appendBigEndian(Int32(0))
            element.encode(into: &buffer)
            buffer.storeBigEndian(Int32(buffer.count - lengthOffset - 4), at: lengthOffset)
        }
    }
}

extension PostgresArrayElement where Self: PostgresDecodable {
    public static func decodeArray(from bytes: UnsafeRawBufferPointer, type: PostgresType) throws(PostgresError) -> [Self] {
        guard acceptedPostgresArrayTypes.contains(type) else {
            throw .typeMismatch([Self].self, expected: acceptedPostgresArrayTypes, actual: type)
        }
        var reader = BinaryReader(bytes)
        let dimensions = try reader.read(Int32.self)
        _ = try reader.read(Int32.self)  // flags (has-nulls); NULL elements are checked one by one
        let elementType = PostgresType(rawValue: try reader.read(UInt32.self))
        if dimensions == 0 { return [] }
        guard dimensions == 1 else {
            throw PostgresError(kind: .decoding, message: "cannot decode a \(dimensions)-dimensional \(type) as \([Self].self) (only 1-D arrays)")
        }
        let count = Int(try reader.read(Int32.self))
        _ = try reader.read(Int32.self)  // lower bound
        guard count >= 0, count <= reader.remaining / 4 else {
            throw PostgresError(kind: .decoding, message: "array of \(count) elements does not fit its \(bytes.count) bytes")
        }
        var result: [Self] = []
        result.reserveCapacity(count)
        for index in 0..<count {
            let length = Int(try reader.read(Int32.self))
            guard length >= 0 else {
                throw PostgresError(kind: .decoding, message: "element \(index + 1) of \(type) is NULL; \([Self].self) cannot hold NULL")
            }
            result.append(try Self(postgresBinary: try reader.readSlice(length), type: elementType))
        }
        return result
    }
}

extension Int: PostgresArrayElement {
    public static var postgresArrayType: PostgresType { .int8Array }
    public static var acceptedPostgresArrayTypes: [PostgresType] { [.int2Array, .int4Array, .int8Array] }
}

extension Int64: PostgresArrayElement {
    public static var postgresArrayType: PostgresType { .int8Array }
    public static var acceptedPostgresArrayTypes: [PostgresType] { [.int2Array, .int4Array, .int8Array] }
}

extension Int32: PostgresArrayElement {
    public static var postgresArrayType: PostgresType { .int4Array }
    public static var acceptedPostgresArrayTypes: [PostgresType] { [.int2Array, .int4Array] }
}

extension Int16: PostgresArrayElement {
    public static var postgresArrayType: PostgresType { .int2Array }
    public static var acceptedPostgresArrayTypes: [PostgresType] { [.int2Array] }
}

extension Double: PostgresArrayElement {
    public static var postgresArrayType: PostgresType { .float8Array }
    public static var acceptedPostgresArrayTypes: [PostgresType] { [.float4Array, .float8Array] }
}

extension Float: PostgresArrayElement {
    public static var postgresArrayType: PostgresType { .float4Array }
    public static var acceptedPostgresArrayTypes: [PostgresType] { [.float4Array] }
}

extension Bool: PostgresArrayElement {
    public static var postgresArrayType: PostgresType { .boolArray }
    public static var acceptedPostgresArrayTypes: [PostgresType] { [.boolArray] }
}

extension String: PostgresArrayElement {
    public static var postgresArrayType: PostgresType { .textArray }
    public static var acceptedPostgresArrayTypes: [PostgresType] { [.textArray, .varcharArray] }
}

/// `[UInt8]` is `bytea` (raw bytes), not an array of small integers.
extension UInt8: PostgresArrayElement {
    public static var postgresArrayType: PostgresType { .bytea }
    public static var acceptedPostgresArrayTypes: [PostgresType] { [.bytea] }

    public static func encodeArray(_ elements: [UInt8], into buffer: inout [UInt8]) {
        buffer.append(contentsOf: elements)
    }

    public static func decodeArray(from bytes: UnsafeRawBufferPointer, type: PostgresType) throws(PostgresError) -> [UInt8] {
        guard type == .bytea else { throw .typeMismatch([UInt8].self, expected: [.bytea], actual: type) }
        return [UInt8](bytes)
    }
}
