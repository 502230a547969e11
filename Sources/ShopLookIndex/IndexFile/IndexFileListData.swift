/// Section 5, last in the file: the lists' arrays, where `IndexFileListDirectory` says.
///
/// ```
/// per non-empty list of n entries, in list order, each array at a 64-byte aligned
/// offset (relative to the section), gaps zero-filled:
///   ids       n x i64
///   codes     `InvertedLists.codeBytes(forCount: n)` bytes: flat (n, m) bytes, or
///             fast-scan blocks of 32 codes (`FastScanCodes`)
///   vectors   n x vectorBytes: float16 or float32 rows (only when re-ranking vectors are stored)
/// ```
/// The section ends where the last array ends. Loaded lists point into the map.
enum IndexFileListData {
    /// Streams the lists to writer, the section starting at offset; call with the
    /// lists' read lock held. Returns the CRC-32C of the section.
    static func write(_ lists: InvertedLists, _ directory: IndexFileListDirectory, to writer: FileWriter,
                      at offset: Int) throws -> UInt32 {
        var crc: UInt32 = 0
        for (l, e) in directory.entries.enumerated() where e.count > 0 {
            let list = lists.unsafeList(l)
            let arrays: [UnsafeRawPointer?] = [UnsafeRawPointer(list.ids), UnsafeRawPointer(list.codes),
                                               UnsafeRawPointer(list.vectors)]
            for (i, (arrayOffset, length)) in e.arrays(for: lists).enumerated() {
                crc = try writer.padTo(offset + Int(arrayOffset), crc: crc)
                crc = try writer.write(arrays[i]!, length, crc: crc)
            }
        }
        return crc
    }

    /// Lists that borrow their arrays from data (the mapped section), as directory
    /// says; the directory must have been validated against data.
    static func mappedLists(_ directory: IndexFileListDirectory, in data: UnsafeRawBufferPointer,
                            for lists: InvertedLists) -> [InvertedLists.List] {
        let base = UnsafeMutableRawPointer(mutating: data.baseAddress)
        return directory.entries.map { e in
            guard e.count > 0, let base else { return InvertedLists.List() }
            let n = Int(e.count)
            return InvertedLists.List(
                count: n, capacity: n, ids: (base + Int(e.idsOffset)).assumingMemoryBound(to: Int64.self),
                codes: base + Int(e.codesOffset), vectors: lists.vectorBytes > 0 ? base + Int(e.vectorsOffset) : nil,
                owned: false)
        }
    }
}
