/// A Swift type that can be created from a PostgreSQL value in binary format.
///
/// `bytes` is the cell's binary representation (never `NULL`: NULL is handled by ``PostgresRow``, which
/// returns `nil` for optional targets and throws for non-optional ones); `type` is the column's type OID.
/// Implementations check `type` and the length and throw a `.decoding` ``PostgresError`` on mismatch.
/// `bytes` is only valid during the call: copy what you keep.
///
/// Accepted column types: `Int` ← int2/int4/int8; `Int64` ← int2/int4/int8; `Int32` ← int2/int4; `Int16` ← int2;
/// `Double` ← float4/float8; `Float` ← float4; `Bool` ← bool; `String` ← text/varchar/bpchar/name/unknown/json/jsonb;
/// `[UInt8]`, `Data` ← bytea; `Date` ← timestamptz/timestamp (as UTC); `UUID` ← uuid; ``PostgresJSON`` ← json/jsonb;
/// ``Float32Vector`` ← bytea (length a multiple of 4); `[Int]` etc. ← 1-D arrays of the element's accepted types.
public protocol PostgresDecodable {
    init(postgresBinary bytes: UnsafeRawBufferPointer, type: PostgresType) throws(PostgresError)
}

/// Reads a fixed-size big-endian integer, checking the length.
@inline(__always)
func decodeInteger<T: FixedWidthInteger>(_: T.Type, from bytes: UnsafeRawBufferPointer, as swiftType: Any.Type, type: PostgresType) throws(PostgresError) -> T {
    guard bytes.count == MemoryLayout<T>.size else {
        throw .badLength(swiftType, type: type, expected: String(MemoryLayout<T>.size), actual: bytes.count)
    }
    return T(bigEndian: bytes.loadUnaligned(as: T.self))
}

/// Decodes an int2, int4 or int8 value (whichever `type` says) into an `Int64`.
func decodeAnyInteger(from bytes: UnsafeRawBufferPointer, type: PostgresType, as swiftType: Any.Type, accepting accepted: [PostgresType]) throws(PostgresError) -> Int64 {
    switch type {
    case .int2 where accepted.contains(.int2):
        return Int64(try decodeInteger(Int16.self, from: bytes, as: swiftType, type: type))
    case .int4 where accepted.contains(.int4):
        return Int64(try decodeInteger(Int32.self, from: bytes, as: swiftType, type: type))
    case .int8 where accepted.contains(.int8):
        return try decodeInteger(Int64.self, from: bytes, as: swiftType, type: type)
    default:
        throw .typeMismatch(swiftType, expected: accepted, actual: type)
    }
}

extension Int: PostgresDecodable {
    public init(postgresBinary bytes: UnsafeRawBufferPointer, type: PostgresType) throws(PostgresError) {
        self = Int(try decodeAnyInteger(from: bytes, type: type, as: Int.self, accepting: [.int2, .int4, .int8]))
    }
}

extension Int64: PostgresDecodable {
    public init(postgresBinary bytes: UnsafeRawBufferPointer, type: PostgresType) throws(PostgresError) {
        self = try decodeAnyInteger(from: bytes, type: type, as: Int64.self, accepting: [.int2, .int4, .int8])
    }
}

extension Int32: PostgresDecodable {
    public init(postgresBinary bytes: UnsafeRawBufferPointer, type: PostgresType) throws(PostgresError) {
        self = Int32(try decodeAnyInteger(from: bytes, type: type, as: Int32.self, accepting: [.int2, .int4]))
    }
}

extension Int16: PostgresDecodable {
    public init(postgresBinary bytes: UnsafeRawBufferPointer, type: PostgresType) throws(PostgresError) {
        self = Int16(try decodeAnyInteger(from: bytes, type: type, as: Int16.self, accepting: [.int2]))
    }
}

extension Double: PostgresDecodable {
    public init(postgresBinary bytes: UnsafeRawBufferPointer, type: PostgresType) throws(PostgresError) {
        switch type {
        case .float8: self = Double(bitPattern: try decodeInteger(UInt64.self, from: bytes, as: Double.self, type: type))
        case .float4: self = Double(Float(bitPattern: try decodeInteger(UInt32.self, from: bytes, as: Double.self, type: type)))
        default: throw .typeMismatch(Double.self, expected: [.float8, .float4], actual: type)
        }
    }
}

extension Float: PostgresDecodable {
    public init(postgresBinary bytes: UnsafeRawBufferPointer, type: PostgresType) throws(PostgresError) {
        guard type == .float4 else { throw .typeMismatch(Float.self, expected: [.float4], actual: type) }
        self = Float(bitPattern: try decodeInteger(UInt32.self, from: bytes, as: Float.self, type: type))
    }
}

extension Bool: PostgresDecodable {
    public init(postgresBinary bytes: UnsafeRawBufferPointer, type: PostgresType) throws(PostgresError) {
        guard type == .bool else { throw .typeMismatch(Bool.self, expected: [.bool], actual: type) }
        guard bytes.count == 1 else { throw .badLength(Bool.self, type: type, expected: "1", actual: bytes.count) }
        self = bytes[0] != 0
    }
}

extension String: PostgresDecodable {
    static let acceptedTypes: [PostgresType] = [.text, .varchar, .bpchar, .name, .unknown, .json, .jsonb]

    public init(postgresBinary bytes: UnsafeRawBufferPointer, type: PostgresType) throws(PostgresError) {
        switch type {
        case .text, .varchar, .bpchar, .name, .unknown, .json:
            self = String(decoding: bytes, as: UTF8.self)
        case .jsonb:
            self = try PostgresJSON(postgresBinary: bytes, type: type).text
        default:
            throw .typeMismatch(String.self, expected: Self.acceptedTypes, actual: type)
        }
    }
}

/// `[UInt8]` decodes `bytea`; arrays of other ``PostgresArrayElement`` types decode 1-D PostgreSQL arrays.
extension Array: PostgresDecodable where Element: PostgresArrayElement {
    public init(postgresBinary bytes: UnsafeRawBufferPointer, type: PostgresType) throws(PostgresError) {
        self = try Element.decodeArray(from: bytes, type: type)
    }
}
