/// Converts an already encoded binary value to a related column type, for binary COPY (which, unlike a
/// parameter, gets no server-side cast: the bytes must be exactly the column type's binary format).
///
/// Lossless conversions only: integers between int2/int4/int8 when the value fits; float4 → float8, and
/// float8 → float4 when the value is exactly representable; text ↔ varchar/bpchar/name/json and text/json ↔
/// jsonb (adding or dropping the jsonb version byte); timestamptz → timestamp (UTC). A target type this module
/// does not know (an enum, an extension type) is passed through unchanged for the server to judge.
enum BinaryCoercion {
    private static let integers: Set<PostgresType> = [.int2, .int4, .int8]
    private static let texts: Set<PostgresType> = [.text, .varchar, .bpchar, .name, .json, .unknown]
    private static let known: Set<PostgresType> = [
        .bool, .bytea, .char, .name, .int8, .int2, .int4, .text, .oid, .json, .float4, .float8, .unknown,
        .boolArray, .byteaArray, .int2Array, .int4Array, .textArray, .varcharArray, .int8Array, .float4Array,
        .float8Array, .bpchar, .varchar, .date, .timestamp, .timestamptz, .numeric, .uuid, .jsonb,
    ]

    /// Rewrites `buffer[start...]` (one encoded value of type `source`) as type `target`.
    static func coerce(_ buffer: inout [UInt8], from start: Int, source: PostgresType, target: PostgresType) throws(PostgresError) {
        if source == target || !known.contains(target) { return }
        let count = buffer.count - start
        if integers.contains(source), integers.contains(target) {
            let value: Int64 = buffer.withUnsafeBytes { raw in
                let bytes = UnsafeRawBufferPointer(rebasing: raw[start...])
                switch count {
                case 2: return Int64(Int16(bigEndian: bytes.loadUnaligned(as: Int16.self)))
                case 4: return Int64(Int32(bigEndian: bytes.loadUnaligned(as: Int32.self)))
                default: return Int64(bigEndian: bytes.loadUnaligned(as: Int64.self))
                }
            }
            buffer.removeSubrange(start...)
            switch target {
            case .int2:
                guard let narrow = Int16(exactly: value) else { throw outOfRange(value, target) }
                buffer.appendBigEndian(narrow)
            case .int4:
                guard let narrow = Int32(exactly: value) else { throw outOfRange(value, target) }
                buffer.appendBigEndian(narrow)
            default:
                buffer.appendBigEndian(value)
            }
            return
        }
        switch (source, target) {
        case (.float4, .float8):
            let bits = buffer.withUnsafeBytes { UInt32(bigEndian: $0.loadUnaligned(fromByteOffset: start, as: UInt32.self)) }
            buffer.removeSubrange(start...)
            buffer.appendBigEndian(Double(Float(bitPattern: bits)).bitPattern)
        case (.float8, .float4):
            let bits = buffer.withUnsafeBytes { UInt64(bigEndian: $0.loadUnaligned(fromByteOffset: start, as: UInt64.self)) }
            let value = Double(bitPattern: bits)
            let narrow = Float(value)
            guard value.isNaN || Double(narrow) == value else {
                throw PostgresError(kind: .encoding, message: "\(value) is not exactly representable as float4; pass a Float")
            }
            buffer.removeSubrange(start...)
            buffer.appendBigEndian(narrow.bitPattern)
        case (.jsonb, _) where texts.contains(target):
            buffer.remove(at: start)  // the jsonb version byte
        case (_, .jsonb) where texts.contains(source):
            buffer.insert(1, at: start)
        case (.timestamptz, .timestamp):
            return
        case (_, _) where texts.contains(source) && texts.contains(target):
            return
        default:
            throw PostgresError(kind: .encoding, message: "a \(source) value cannot be written to a \(target) column")
        }
    }

    private static func outOfRange(_ value: Int64, _ target: PostgresType) -> PostgresError {
        PostgresError(kind: .encoding, message: "\(value) is out of range for \(target)")
    }
}
