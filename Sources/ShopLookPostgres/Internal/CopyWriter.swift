/// Builds the byte stream of `COPY … FROM STDIN (FORMAT binary)`:
///
/// header: the 11-byte signature `PGCOPY\n\xff\r\n\0`, int32 flags (0), int32 header-extension length (0);
/// per tuple: int16 field count, then per field int32 length (−1 = NULL) and the value's binary bytes;
/// trailer: int16 −1. All integers big-endian.
///
/// The caller sends `buffer` whenever it grows past the chunk size and then calls `clear()`.
struct CopyWriter {
    static let signature: [UInt8] = Array("PGCOPY\n".utf8) + [0xFF, 0x0D, 0x0A, 0x00]

    let columnTypes: [PostgresType]
    let columnNames: [String]
    private(set) var buffer: [UInt8] = []
    private(set) var rowCount = 0

    init(columnNames: [String], columnTypes: [PostgresType], capacity: Int) {
        self.columnNames = columnNames
        self.columnTypes = columnTypes
        buffer.reserveCapacity(capacity)
        buffer.append(contentsOf: Self.signature)
        buffer.appendBigEndian(Int32(0))  // flags
        buffer.appendBigEndian(Int32(0))  // header extension length
    }

    /// Appends one tuple. On error the buffer is left as it was before the call.
    mutating func append(_ row: [(any PostgresEncodable)?]) throws(PostgresError) {
        guard row.count == columnTypes.count else {
            throw PostgresError(kind: .encoding, message: "row \(rowCount + 1) has \(row.count) values for \(columnTypes.count) columns")
        }
        let rowStart = buffer.count
        buffer.appendBigEndian(Int16(row.count))
        for (index, value) in row.enumerated() {
            guard let value else {
                buffer.appendBigEndian(Int32(-1))
                continue
            }
            let lengthOffset = buffer.count
            buffer.appendBigEndian(Int32(0))
            value.encode(into: &buffer)
            let source = type(of: value).postgresType
            do throws(PostgresError) {
                if source != columnTypes[index] {
                    try BinaryCoercion.coerce(&buffer, from: lengthOffset + 4, source: source, target: columnTypes[index])
                }
                let length = buffer.count - lengthOffset - 4
                guard length <= Int(Int32.max) else {
                    throw PostgresError(kind: .encoding, message: "value is \(length) bytes; the limit is 2 GiB")
                }
                buffer.storeBigEndian(Int32(length), at: lengthOffset)
            } catch {
                buffer.removeSubrange(rowStart...)
                var described = error
                described.message = "row \(rowCount + 1), column \"\(columnNames[index])\": " + error.message
                described.column = columnNames[index]
                throw described
            }
        }
        rowCount += 1
    }

    mutating func appendTrailer() {
        buffer.appendBigEndian(Int16(-1))
    }

    mutating func clear() {
        buffer.removeAll(keepingCapacity: true)
    }
}
