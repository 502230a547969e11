/// Where each section lies, right after the header.
///
/// ```
/// per section, 32 bytes:
///   bytes 0..<4    kind (`IndexFileSection` raw value)
///   bytes 4..<8    zero
///   bytes 8..<16   offset from the start of the file (u64, a multiple of 64)
///   bytes 16..<24  length (u64)
///   bytes 24..<28  CRC-32C of the section's bytes
///   bytes 28..<32  zero
/// then 4 bytes: CRC-32C of the entries
/// ```
/// Sections follow the table in the order of the entries, each at the next
/// 64-byte aligned offset, gaps zero-filled; the list data is last.
struct IndexFileSectionTable {
    struct Entry {
        var kind: IndexFileSection
        var offset: Int
        var length: Int
        var checksum: UInt32

        var end: Int { offset + length }
    }

    static let entryBytes = 32
    /// Offsets and lengths above this are rejected (they would overflow the arithmetic).
    static let maxOffset: UInt64 = 1 << 50

    /// In table order.
    var entries: [Entry]

    /// Where the table (with its checksum) ends, for sectionCount entries.
    static func end(sectionCount: Int) -> Int { IndexFileHeader.byteCount + sectionCount * entryBytes + 4 }

    subscript(kind: IndexFileSection) -> Entry? { entries.first { $0.kind == kind } }

    /// The bytes of a section of file (one the table has: the required ones, and the
    /// transform when `self[.transform]` is there).
    func bytes(of kind: IndexFileSection, in file: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        let e = self[kind]!
        return UnsafeRawBufferPointer(rebasing: file[e.offset..<e.end])
    }

    /// The entries, then their checksum.
    func encoded() -> [UInt8] {
        var w = ByteWriter(capacity: entries.count * Self.entryBytes + 4)
        for e in entries {
            w.append(e.kind.rawValue)
            w.append(UInt32(0))
            w.append(UInt64(e.offset))
            w.append(UInt64(e.length))
            w.append(e.checksum)
            w.append(UInt32(0))
        }
        w.append(IndexFile.crc32c(w.bytes))
        return w.bytes
    }
}

// MARK: planning (writing)

extension IndexFileSectionTable {
    /// Lays out the metadata sections (in order, with their checksums) and then
    /// the list data after the table; the list data checksum is set once written.
    init(metadata: [(kind: IndexFileSection, bytes: [UInt8])], listDataLength: Int) {
        var position = IndexFile.align64(Self.end(sectionCount: metadata.count + 1))
        entries = []
        for (kind, bytes) in metadata {
            entries.append(Entry(kind: kind, offset: position, length: bytes.count, checksum: IndexFile.crc32c(bytes)))
            position = IndexFile.align64(position + bytes.count)
        }
        entries.append(Entry(kind: .listData, offset: position, length: listDataLength, checksum: 0))
    }

    /// Bytes of the whole file.
    var fileBytes: Int { entries.last!.end }

    var listDataChecksum: UInt32 {
        get { entries[entries.count - 1].checksum }
        set { entries[entries.count - 1].checksum = newValue }
    }
}

// MARK: reading

extension IndexFileSectionTable {
    /// Reads the table and checks its checksum, its entries against the file size,
    /// and that the sections tile the file (no overlaps, zero gaps, nothing after).
    init(reading file: UnsafeRawBufferPointer, header: IndexFileHeader) throws {
        let count = Int(header.sectionCount)
        let tableEnd = Self.end(sectionCount: count)
        var r = ByteReader(file, section: "section table", position: IndexFileHeader.byteCount)
        try r.require(tableEnd - IndexFileHeader.byteCount)
        try Self.verifyChecksum(of: file, sectionCount: count)
        entries = []
        for i in 0..<count {
            let raw = try r.readUInt32()
            guard let kind = IndexFileSection(rawValue: raw), self[kind] == nil else {
                throw IndexError.corrupt(section: "section table", detail: "entry \(i) has unknown or repeated kind \(raw)")
            }
            entries.append(try Self.readEntry(kind, &r, tableEnd: tableEnd, fileBytes: file.count))
        }
        try checkFileSize(file.count, header: header)
        try checkTiling(file, tableEnd: tableEnd)
        try checkPresence(hasTransform: header.hasTransform)
    }

    private static func verifyChecksum(of file: UnsafeRawBufferPointer, sectionCount: Int) throws {
        let entriesEnd = IndexFileHeader.byteCount + sectionCount * entryBytes
        let computed = IndexFile.crc32c(UnsafeRawBufferPointer(rebasing: file[IndexFileHeader.byteCount..<entriesEnd]))
        var r = ByteReader(file, section: "section table", position: entriesEnd)
        let stored = try r.readUInt32()
        guard computed == stored else { throw IndexError.checksumMismatch(section: "section table", expected: stored, actual: computed) }
    }

    /// Reads bytes 4..<32 of an entry of this kind.
    private static func readEntry(_ kind: IndexFileSection, _ r: inout ByteReader, tableEnd: Int, fileBytes: Int) throws -> Entry {
        try r.skip(4)
        let offset = try r.readUInt64(), length = try r.readUInt64()
        let checksum = try r.readUInt32()
        try r.skip(4)
        guard offset % UInt64(IndexFile.alignment) == 0, offset >= UInt64(tableEnd), offset <= maxOffset, length <= maxOffset else {
            throw IndexError.corrupt(section: kind.name, detail: "bad offset \(offset) / length \(length)")
        }
        guard offset + length <= UInt64(fileBytes) else {
            throw IndexError.truncated(section: kind.name, expectedBytes: offset + length, actualBytes: UInt64(fileBytes))
        }
        return Entry(kind: kind, offset: Int(offset), length: Int(length), checksum: checksum)
    }

    private func checkFileSize(_ size: Int, header: IndexFileHeader) throws {
        let size = UInt64(size)
        if size < header.fileBytes {
            throw IndexError.truncated(section: "file", expectedBytes: header.fileBytes, actualBytes: size)
        }
        if size > header.fileBytes {
            throw IndexError.corrupt(section: "file", detail: "\(size - header.fileBytes) unexpected trailing bytes")
        }
    }

    /// The entries by offset.
    var ordered: [Entry] { entries.sorted { ($0.offset, $0.kind.rawValue) < ($1.offset, $1.kind.rawValue) } }

    private func checkTiling(_ file: UnsafeRawBufferPointer, tableEnd: Int) throws {
        var cursor = tableEnd
        for e in ordered {
            guard e.offset >= cursor else { throw IndexError.corrupt(section: e.kind.name, detail: "overlaps the previous section") }
            guard file[cursor..<e.offset].allSatisfy({ $0 == 0 }) else {
                throw IndexError.corrupt(section: e.kind.name, detail: "non-zero padding before the section")
            }
            cursor = e.end
        }
        guard cursor == file.count else { throw IndexError.corrupt(section: "file", detail: "bytes after the last section") }
    }

    private func checkPresence(hasTransform: Bool) throws {
        for kind in IndexFileSection.required where self[kind] == nil {
            throw IndexError.corrupt(section: "section table", detail: "missing section '\(kind.name)'")
        }
        guard (self[.transform] != nil) == hasTransform else {
            throw IndexError.corrupt(section: "section table", detail: "transform section presence")
        }
    }

    /// Checks every section's checksum (the list data's only for `.full`), by offset.
    func verifyChecksums(in file: UnsafeRawBufferPointer, _ verification: IndexFile.Verification) throws {
        for e in ordered where e.kind != .listData || verification == .full {
            let computed = IndexFile.crc32c(UnsafeRawBufferPointer(rebasing: file[e.offset..<e.end]))
            guard computed == e.checksum else {
                throw IndexError.checksumMismatch(section: e.kind.name, expected: e.checksum, actual: computed)
            }
        }
    }
}
