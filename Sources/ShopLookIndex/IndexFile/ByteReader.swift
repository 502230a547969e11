/// A cursor over bytes (a mapped file, or one section of it) whose reads are
/// bounds-checked: reading past the end throws `IndexError.truncated` naming
/// `section`, with the end the read needed and the bytes there are (both counted
/// from the start of `bytes`). Values are little-endian and may be unaligned.
struct ByteReader {
    let bytes: UnsafeRawBufferPointer
    /// Names the section in errors.
    let section: String
    /// Offset of the next read from the start of `bytes`.
    private(set) var position: Int

    init(_ bytes: UnsafeRawBufferPointer, section: String, position: Int = 0) {
        self.bytes = bytes
        self.section = section
        self.position = position
    }

    /// Bytes not read yet.
    var remaining: Int { bytes.count - position }

    /// Throws unless n more bytes can be read.
    func require(_ n: Int) throws {
        guard n >= 0, n <= remaining else {
            throw IndexError.truncated(section: section, expectedBytes: UInt64(position) + UInt64(max(n, 0)),
                                       actualBytes: UInt64(bytes.count))
        }
    }

    /// The next n bytes (borrowed from `bytes`).
    mutating func readBytes(_ n: Int) throws -> UnsafeRawBufferPointer {
        try require(n)
        defer { position += n }
        return UnsafeRawBufferPointer(rebasing: bytes[position..<(position + n)])
    }

    mutating func readUInt32() throws -> UInt32 {
        try require(4)
        defer { position += 4 }
        return UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: position, as: UInt32.self))
    }

    mutating func readUInt64() throws -> UInt64 {
        try require(8)
        defer { position += 8 }
        return UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: position, as: UInt64.self))
    }

    /// The next n floats, copied.
    mutating func readFloats(_ n: Int) throws -> [Float] {
        let source = try readBytes(n * MemoryLayout<Float>.size)
        return [Float](unsafeUninitializedCapacity: n) { buffer, count in
            UnsafeMutableRawBufferPointer(buffer).copyMemory(from: source)
            count = n
        }
    }

    mutating func skip(_ n: Int) throws {
        try require(n)
        position += n
    }
}
