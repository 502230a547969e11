/// Section 4: where each list's arrays lie in the list data (`IndexFileListData`).
///
/// ```
/// per list, nlist x 32 bytes:
///   bytes 0..<8    count (u64)
///   bytes 8..<16   ids offset (u64)
///   bytes 16..<24  codes offset (u64)
///   bytes 24..<32  vectors offset (u64; 0 when no vectors are stored)
/// ```
/// Offsets are relative to the start of the list data and multiples of 64; an
/// empty list's entry is all zero.
struct IndexFileListDirectory {
    struct Entry: Equatable {
        var count: UInt64 = 0
        var idsOffset: UInt64 = 0
        var codesOffset: UInt64 = 0
        var vectorsOffset: UInt64 = 0
    }

    static let entryBytes = 32
    /// Lists longer than this are rejected.
    static let maxListCount: UInt64 = 1 << 32

    /// One per list.
    var entries: [Entry]

    /// Vectors in all lists.
    var vectorCount: UInt64 { entries.reduce(0) { $0 + $1.count } }

    func encoded() -> [UInt8] {
        var w = ByteWriter(capacity: entries.count * Self.entryBytes)
        for e in entries {
            for v in [e.count, e.idsOffset, e.codesOffset, e.vectorsOffset] { w.append(v) }
        }
        return w.bytes
    }
}

// MARK: planning (writing)

extension IndexFileListDirectory {
    /// Lays out the lists one after the other, each array at the next 64-byte
    /// boundary. Call with the lists' read lock held.
    /// - Returns: the directory and the length of the list data (the end of the last array).
    static func planned(for lists: InvertedLists) -> (IndexFileListDirectory, listDataLength: Int) {
        var entries: [Entry] = []
        entries.reserveCapacity(lists.nlist)
        var end = 0
        for l in 0..<lists.nlist {
            let n = lists.unsafeList(l).count
            guard n > 0 else {
                entries.append(Entry())
                continue
            }
            let ids = IndexFile.align64(end)
            let codes = IndexFile.align64(ids + n * 8)
            let codeEnd = codes + lists.codeBytes(forCount: n)
            let vectors = lists.vectorBytes > 0 ? IndexFile.align64(codeEnd) : 0
            end = lists.vectorBytes > 0 ? vectors + n * lists.vectorBytes : codeEnd
            entries.append(Entry(count: UInt64(n), idsOffset: UInt64(ids), codesOffset: UInt64(codes),
                                 vectorsOffset: UInt64(vectors)))
        }
        return (IndexFileListDirectory(entries: entries), end)
    }
}

// MARK: reading

extension IndexFileListDirectory {
    /// Reads the directory of nlist lists.
    init(reading bytes: UnsafeRawBufferPointer, nlist: Int) throws {
        try IndexFileSection.directory.requireLength(bytes.count, expected: nlist * Self.entryBytes)
        var r = ByteReader(bytes, section: IndexFileSection.directory.name)
        entries = try (0..<nlist).map { _ in
            Entry(count: try r.readUInt64(), idsOffset: try r.readUInt64(), codesOffset: try r.readUInt64(),
                  vectorsOffset: try r.readUInt64())
        }
    }

    /// Checks that every array lies in list data of listDataLength bytes (aligned),
    /// and that the lists hold vectorCount vectors (from the header).
    func validate(listDataLength: Int, for lists: InvertedLists, vectorCount: UInt64) throws {
        for (l, e) in entries.enumerated() where e.count > 0 {
            guard e.count < Self.maxListCount else { throw Self.corrupt("list \(l) count \(e.count)") }
            for (offset, length) in e.arrays(for: lists)
            where !Self.fits(offset: offset, length: length, in: listDataLength) {
                throw Self.corrupt("list \(l) points outside the list data")
            }
        }
        guard vectorCount == self.vectorCount else {
            throw Self.corrupt("lists hold \(self.vectorCount) vectors, header says \(vectorCount)")
        }
    }

    private static func fits(offset: UInt64, length: Int, in dataLength: Int) -> Bool {
        offset % UInt64(IndexFile.alignment) == 0 && offset <= UInt64(dataLength)
            && UInt64(length) <= UInt64(dataLength) - offset
    }

    private static func corrupt(_ detail: String) -> IndexError {
        .corrupt(section: IndexFileSection.directory.name, detail: detail)
    }
}

extension IndexFileListDirectory.Entry {
    /// (offset, length in bytes) of the ids, the codes and (when stored) the vectors.
    func arrays(for lists: InvertedLists) -> [(offset: UInt64, length: Int)] {
        let n = Int(count)
        let stored: [(UInt64, Int)] = [(idsOffset, n * 8), (codesOffset, lists.codeBytes(forCount: n))]
        return lists.vectorBytes > 0 ? stored + [(vectorsOffset, n * lists.vectorBytes)] : stored
    }
}
