import CShopLookSIMD

/// The versioned binary file format of `IVFPQIndex` (little-endian).
///
/// ```
/// bytes 0..<128            header (`IndexFileHeader`)
/// bytes 128..<tableEnd     section table: count x 32 bytes, then the table's CRC-32C
///                          (`IndexFileSectionTable`); tableEnd = 128 + count * 32 + 4
/// then each section at a 64-byte aligned offset, gaps zero-filled, in this order:
///   1 transform      `IndexFileTransformSection` (PCA only)
///   2 coarse         `IndexFileCoarseSection`
///   3 pq codebooks   `IndexFileCodebookSection`
///   4 directory      `IndexFileListDirectory`
///   5 list data      `IndexFileListData` (last; the file ends where it ends)
/// ```
/// Loading maps the file read-only (`mmap`) and validates it; the lists are used in
/// place and copied on their first mutation. Writing is atomic: a temporary file in
/// the same directory is written, fsync'ed and renamed over the destination.
public enum IndexFile {
    public static let magic: [UInt8] = Array("SLIVFPQ".utf8) + [0]
    public static let formatVersion: UInt32 = 1

    /// How much of a file `load` checks.
    public enum Verification: Sendable {
        /// Every checksum, including the list data (reads the whole file once).
        case full
        /// Header, table and metadata checksums and all structural checks; the list
        /// data checksum is skipped (fast open of large files).
        case metadataOnly
    }

    /// Sections start (and list arrays start) at multiples of this.
    static let alignment = 64

    @inline(__always) static func align64(_ x: Int) -> Int { (x + 63) & ~63 }

    /// CRC-32C of bytes, continued from crc.
    static func crc32c(_ bytes: UnsafeRawBufferPointer, continuing crc: UInt32 = 0) -> UInt32 {
        guard let base = bytes.baseAddress else { return crc }
        return sl_crc32c(crc, base, bytes.count)
    }

    static func crc32c(_ bytes: [UInt8]) -> UInt32 { bytes.withUnsafeBytes { crc32c($0) } }
}

extension IVFPQIndex {
    /// Saves atomically (see `IndexFile`).
    public func save(to path: String) throws { try IndexFile.save(self, to: path) }

    /// Maps and validates a saved index (see `IndexFile`).
    public static func load(from path: String, verification: IndexFile.Verification = .full) throws -> IVFPQIndex {
        try IndexFile.load(from: path, verification: verification)
    }
}
