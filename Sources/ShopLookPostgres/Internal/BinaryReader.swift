/// Big-endian (network order) helpers for PostgreSQL's binary formats.
extension Array where Element == UInt8 {
    @inlinable
    mutating func appendBigEndian<T: FixedWidthInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value.bigEndian) { append(contentsOf: $0) }
    }

    /// Overwrites 4 bytes at `offset` with `value` in big-endian order (used to patch length prefixes).
    @inlinable
    mutating func storeBigEndian(_ value: Int32, at offset: Int) {
        let bits = UInt32(bitPattern: value)
        self[offset] = UInt8(truncatingIfNeeded: bits >> 24)
        self[offset + 1] = UInt8(truncatingIfNeeded: bits >> 16)
        self[offset + 2] = UInt8(truncatingIfNeeded: bits >> 8)
        self[offset + 3] = UInt8(truncatingIfNeeded: bits)
    }
}

/// Reads big-endian values from a result cell; every read is bounds-checked.
struct BinaryReader {
    let bytes: UnsafeRawBufferPointer
    private(set) var offset = 0

    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    var remaining: Int { bytes.count - offset }

    mutating func read<T: FixedWidthInteger>(_: T.Type) throws(PostgresError) -> T {
        let size = MemoryLayout<T>.size
        guard remaining >= size else {
            throw PostgresError(kind: .decoding, message: "binary value truncated: needed \(size) more bytes at offset \(offset) of \(bytes.count)")
        }
        let value = T(bigEndian: bytes.loadUnaligned(fromByteOffset: offset, as: T.self))
        offset += size
        return value
    }

    mutating func readSlice(_ count: Int) throws(PostgresError) -> UnsafeRawBufferPointer {
        guard count >= 0, remaining >= count else {
            throw PostgresError(kind: .decoding, message: "binary value truncated: needed \(count) bytes at offset \(offset) of \(bytes.count)")
        }
        let slice = UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + count)])
        offset += count
        return slice
    }
}

extension PostgresError {
    /// A decoding error for a value whose PostgreSQL type the Swift type does not accept.
    static func typeMismatch(
        _ swiftType: Any.Type, expected: [PostgresType], actual: PostgresType,
        file: String = #fileID, line: Int = #line
    ) -> PostgresError {
        PostgresError(
            kind: .decoding,
            message: "cannot decode \(actual) as \(swiftType) (expects \(expected.map(\.description).joined(separator: " or ")))",
            file: file, line: line
        )
    }

    /// A decoding error for a value of the right type but the wrong size.
    static func badLength(
        _ swiftType: Any.Type, type: PostgresType, expected: String, actual: Int,
        file: String = #fileID, line: Int = #line
    ) -> PostgresError {
        PostgresError(
            kind: .decoding, message: "cannot decode \(type) of \(actual) bytes as \(swiftType) (expects \(expected) bytes)",
            file: file, line: line
        )
    }
}
