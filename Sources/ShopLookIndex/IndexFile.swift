#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CShopLookSIMD

/// The versioned binary file format of `IVFPQIndex` (little-endian).
///
/// ```
/// offset 0    header, 128 bytes
///   0  magic "SLIVFPQ\0"           8  format version (u32)   12 header bytes (u32 = 128)
///   16 dimension   20 metric   24 nlist   28 m   32 nbits   36 code layout (0 flat, 1 fast-scan4)
///   40 transform (0 none, 1 PCA)   44 working dimension   48 re-rank storage (0 none, 1 f16, 2 f32)
///   52 section count (u32)   56 vector count (u64)   64 file bytes (u64)   72 seed (u64)
///   80 k-means iterations   84 max training points per centroid   88 random rotation (0/1)
///   92..<124 zero   124 CRC-32C of bytes 0..<124
/// offset 128  section table: count x 32 bytes
///   kind (u32), 0 (u32), offset (u64), length (u64), CRC-32C of the section (u32), 0 (u32)
///   followed by the CRC-32C of the table (u32)
/// sections, each at a 64-byte aligned offset, gaps zero-filled:
///   1 transform      mean (dimension f32) then matrix (working x dimension f32)
///   2 coarse         nlist x working f32
///   3 pq codebooks   m x ksub x dsub f32
///   4 directory      nlist x {count, ids offset, codes offset, vectors offset} (u64, relative to section 5)
///   5 list data      per list: ids (count i64), codes, vectors; each array 64-byte aligned
/// ```
/// Loading maps the file read-only (`mmap`) and validates it; the lists are used in
/// place and copied on their first mutation. Writing is atomic: a temporary file in
/// the same directory is written, fsync'ed and renamed over the destination.
public enum IndexFile {
    public static let magic: [UInt8] = Array("SLIVFPQ".utf8) + [0]
    public static let formatVersion: UInt32 = 1
    static let headerBytes = 128

    enum Section: UInt32, CaseIterable {
        case transform = 1, coarse = 2, codebooks = 3, directory = 4, listData = 5
        var name: String {
            switch self {
            case .transform: return "transform"
            case .coarse: return "coarse centroids"
            case .codebooks: return "pq codebooks"
            case .directory: return "list directory"
            case .listData: return "list data"
            }
        }
    }

    /// How much of a file `load` checks.
    public enum Verification: Sendable {
        /// Every checksum, including the list data (reads the whole file once).
        case full
        /// Header, table and metadata checksums and all structural checks; the list
        /// data checksum is skipped (fast open of large files).
        case metadataOnly
    }

    @inline(__always) static func align64(_ x: Int) -> Int { (x + 63) & ~63 }

    // MARK: writing

    /// Writes the index atomically to `path`. Holds the index's read lock while
    /// writing (adds and removes wait; searches continue).
    public static func save(_ index: IVFPQIndex, to path: String) throws {
        guard let st = index.state else { throw IndexError.notTrained }
        let c = index.configuration
        let lists = index.invlists
        try lists.withReadLock {
            // Metadata sections.
            var metaSections: [(Section, [UInt8])] = []
            if let t = st.transform {
                metaSections.append((.transform, floatBytes(t.mean) + floatBytes(t.matrix)))
            }
            metaSections.append((.coarse, floatBytes(st.coarse.centroids)))
            metaSections.append((.codebooks, floatBytes(st.pq.centroids)))
            // Directory and list data layout.
            var dir = [UInt8]()
            dir.reserveCapacity(lists.nlist * 32)
            var off = 0
            var total: UInt64 = 0
            var layout: [(ids: Int, codes: Int, vecs: Int)] = []
            for l in 0..<lists.nlist {
                let li = lists.unsafeList(l)
                let n = li.count
                total += UInt64(n)
                if n == 0 {
                    layout.append((0, 0, 0))
                    put64(&dir, 0); put64(&dir, 0); put64(&dir, 0); put64(&dir, 0)
                    continue
                }
                let idsOff = align64(off)
                let codesOff = align64(idsOff + n * 8)
                let vecOff = align64(codesOff + lists.codeBytes(forCount: n))
                off = lists.vectorBytes > 0 ? vecOff + n * lists.vectorBytes : codesOff + lists.codeBytes(forCount: n)
                layout.append((idsOff, codesOff, lists.vectorBytes > 0 ? vecOff : 0))
                put64(&dir, UInt64(n)); put64(&dir, UInt64(idsOff)); put64(&dir, UInt64(codesOff))
                put64(&dir, UInt64(lists.vectorBytes > 0 ? vecOff : 0))
            }
            metaSections.append((.directory, dir))
            let listDataLength = off
            let sectionCount = metaSections.count + 1
            let tableEnd = headerBytes + sectionCount * 32 + 4
            var pos = align64(tableEnd)
            var entries: [(Section, Int, Int, UInt32)] = []
            for (s, bytes) in metaSections {
                entries.append((s, pos, bytes.count, sl_crc32c(0, bytes, bytes.count)))
                pos = align64(pos + bytes.count)
            }
            let listDataOffset = pos
            let fileBytes = listDataOffset + listDataLength

            let tmp = path + ".tmp-\(getpid())"
            let w = try FileWriter(path: tmp)
            var ok = false
            defer {
                if !ok {
                    w.closeQuietly()
                    unlink(tmp)
                }
            }
            try w.writeZeros(align64(tableEnd))
            for (i, (_, bytes)) in metaSections.enumerated() {
                try w.padTo(entries[i].1)
                try w.write(bytes)
            }
            try w.padTo(listDataOffset)
            // List data, with its CRC computed while streaming.
            var crc: UInt32 = 0
            for l in 0..<lists.nlist {
                let li = lists.unsafeList(l)
                if li.count == 0 { continue }
                let (a, b, v) = layout[l]
                crc = try w.padTo(listDataOffset + a, crc: crc)
                crc = try w.write(UnsafeRawPointer(li.ids!), li.count * 8, crc: crc)
                crc = try w.padTo(listDataOffset + b, crc: crc)
                crc = try w.write(UnsafeRawPointer(li.codes!), lists.codeBytes(forCount: li.count), crc: crc)
                if lists.vectorBytes > 0 {
                    crc = try w.padTo(listDataOffset + v, crc: crc)
                    crc = try w.write(UnsafeRawPointer(li.vectors!), li.count * lists.vectorBytes, crc: crc)
                }
            }
            entries.append((.listData, listDataOffset, listDataLength, crc))
            // Header and table.
            var h = [UInt8]()
            h.reserveCapacity(align64(tableEnd))
            h += magic
            put32(&h, formatVersion); put32(&h, UInt32(headerBytes))
            put32(&h, UInt32(c.dimension)); put32(&h, c.metric.rawValue); put32(&h, UInt32(c.nlist))
            put32(&h, UInt32(c.m)); put32(&h, UInt32(c.nbits)); put32(&h, c.nbits == 4 ? 1 : 0)
            var rot: UInt32 = 0
            if case .pca(_, let r) = c.transform { rot = r ? 1 : 0; put32(&h, 1) } else { put32(&h, 0) }
            put32(&h, UInt32(c.workingDimension)); put32(&h, c.rerankStorage.rawValue)
            put32(&h, UInt32(sectionCount)); put64(&h, total); put64(&h, UInt64(fileBytes)); put64(&h, c.seed)
            put32(&h, UInt32(c.kmeansIterations)); put32(&h, UInt32(c.maxTrainingPointsPerCentroid)); put32(&h, rot)
            h += [UInt8](repeating: 0, count: 124 - h.count)
            put32(&h, sl_crc32c(0, h, 124))
            var t = [UInt8]()
            for (s, o, len, cr) in entries {
                put32(&t, s.rawValue); put32(&t, 0); put64(&t, UInt64(o)); put64(&t, UInt64(len)); put32(&t, cr); put32(&t, 0)
            }
            put32(&t, sl_crc32c(0, t, t.count))
            try w.flush()
            try w.pwriteAll(h + t, at: 0)
            try w.fsyncAndClose()
            guard rename(tmp, path) == 0 else { throw IndexError.io(path: path, operation: "rename", errno: errno) }
            ok = true
            syncDirectory(of: path)
        }
    }

    // MARK: loading

    /// Maps and validates an index file. Errors name the failing section.
    public static func load(from path: String, verification: Verification = .full) throws -> IVFPQIndex {
        let map = try MappedFile(path: path)
        let size = UInt64(map.length)
        let base = map.base
        guard size >= UInt64(headerBytes) else {
            throw IndexError.truncated(section: "header", expectedBytes: UInt64(headerBytes), actualBytes: size)
        }
        guard (0..<8).allSatisfy({ base.load(fromByteOffset: $0, as: UInt8.self) == magic[$0] }) else {
            throw IndexError.badMagic(path: path)
        }
        let version = u32(base, 8)
        guard version == formatVersion else { throw IndexError.unsupportedVersion(found: version, supported: formatVersion) }
        let hcrc = sl_crc32c(0, base, 124)
        guard hcrc == u32(base, 124) else { throw IndexError.checksumMismatch(section: "header", expected: u32(base, 124), actual: hcrc) }
        guard u32(base, 12) == UInt32(headerBytes) else { throw IndexError.corrupt(section: "header", detail: "header size \(u32(base, 12))") }
        let dimension = Int(u32(base, 16)), metricRaw = u32(base, 20), nlist = Int(u32(base, 24))
        let m = Int(u32(base, 28)), nbits = Int(u32(base, 32)), codeLayout = u32(base, 36)
        let transformKind = u32(base, 40), working = Int(u32(base, 44)), storageRaw = u32(base, 48)
        let sectionCount = Int(u32(base, 52)), ntotal = u64(base, 56), fileBytes = u64(base, 64), seed = u64(base, 72)
        let iters = Int(u32(base, 80)), maxPPC = Int(u32(base, 84)), rot = u32(base, 88)
        guard let metric = Metric(rawValue: metricRaw) else { throw IndexError.corrupt(section: "header", detail: "metric \(metricRaw)") }
        guard let storage = VectorStorage(rawValue: storageRaw) else { throw IndexError.corrupt(section: "header", detail: "storage \(storageRaw)") }
        guard transformKind <= 1, codeLayout == (nbits == 4 ? 1 : 0), (1...8).contains(sectionCount) else {
            throw IndexError.corrupt(section: "header", detail: "inconsistent layout fields")
        }
        let config = IVFPQIndex.Configuration(
            dimension: dimension, metric: metric, nlist: nlist, m: m, nbits: nbits,
            transform: transformKind == 1 ? .pca(outputDimension: working, randomRotation: rot == 1) : .none,
            rerankStorage: storage, seed: seed, kmeansIterations: iters, maxTrainingPointsPerCentroid: maxPPC)
        do { try config.validate() } catch { throw IndexError.corrupt(section: "header", detail: "\(error)") }
        guard config.workingDimension == working else { throw IndexError.corrupt(section: "header", detail: "working dimension") }

        // Section table.
        let tableEnd = headerBytes + sectionCount * 32 + 4
        guard size >= UInt64(tableEnd) else {
            throw IndexError.truncated(section: "section table", expectedBytes: UInt64(tableEnd), actualBytes: size)
        }
        let tcrc = sl_crc32c(0, base + headerBytes, sectionCount * 32)
        let tstored = u32(base, tableEnd - 4)
        guard tcrc == tstored else { throw IndexError.checksumMismatch(section: "section table", expected: tstored, actual: tcrc) }
        var sections: [Section: (offset: Int, length: Int, crc: UInt32)] = [:]
        for i in 0..<sectionCount {
            let e = headerBytes + i * 32
            guard let kind = Section(rawValue: u32(base, e)), sections[kind] == nil else {
                throw IndexError.corrupt(section: "section table", detail: "entry \(i) has unknown or repeated kind \(u32(base, e))")
            }
            let off = u64(base, e + 8), len = u64(base, e + 16)
            guard off % 64 == 0, off >= UInt64(tableEnd), off <= 1 << 50, len <= 1 << 50 else {
                throw IndexError.corrupt(section: kind.name, detail: "bad offset \(off) / length \(len)")
            }
            guard off + len <= size else { throw IndexError.truncated(section: kind.name, expectedBytes: off + len, actualBytes: size) }
            sections[kind] = (Int(off), Int(len), u32(base, e + 24))
        }
        guard size == fileBytes else {
            if size < fileBytes { throw IndexError.truncated(section: "file", expectedBytes: fileBytes, actualBytes: size) }
            throw IndexError.corrupt(section: "file", detail: "\(size - fileBytes) unexpected trailing bytes")
        }
        // No overlaps, zero gaps.
        let ordered = sections.sorted { $0.value.offset < $1.value.offset }
        var cursor = tableEnd
        for (kind, s) in ordered {
            guard s.offset >= cursor else { throw IndexError.corrupt(section: kind.name, detail: "overlaps the previous section") }
            if !allZero(base + cursor, s.offset - cursor) {
                throw IndexError.corrupt(section: kind.name, detail: "non-zero padding before the section")
            }
            cursor = s.offset + s.length
        }
        guard cursor == Int(fileBytes) else { throw IndexError.corrupt(section: "file", detail: "bytes after the last section") }
        for kind in [Section.coarse, .codebooks, .directory, .listData] where sections[kind] == nil {
            throw IndexError.corrupt(section: "section table", detail: "missing section '\(kind.name)'")
        }
        guard (sections[.transform] != nil) == (transformKind == 1) else {
            throw IndexError.corrupt(section: "section table", detail: "transform section presence")
        }
        // Checksums.
        for (kind, s) in ordered where kind != .listData || verification == .full {
            let got = sl_crc32c(0, base + s.offset, s.length)
            guard got == s.crc else { throw IndexError.checksumMismatch(section: kind.name, expected: s.crc, actual: got) }
        }
        // Metadata.
        let dt = working
        var transform: PCATransform?
        if let s = sections[.transform] {
            guard s.length == (dimension + dt * dimension) * 4 else {
                throw IndexError.corrupt(section: Section.transform.name, detail: "length \(s.length), expected \((dimension + dt * dimension) * 4)")
            }
            let f = floats(base + s.offset, s.length / 4)
            transform = try PCATransform(inputDimension: dimension, outputDimension: dt,
                                         mean: Array(f[0..<dimension]), matrix: Array(f[dimension...]))
        }
        let cs = sections[.coarse]!
        guard cs.length == nlist * dt * 4 else {
            throw IndexError.corrupt(section: Section.coarse.name, detail: "length \(cs.length), expected \(nlist * dt * 4)")
        }
        let coarse = try CoarseQuantizer(dimension: dt, nlist: nlist, usesInnerProduct: metric.usesInnerProduct,
                                         centroids: floats(base + cs.offset, cs.length / 4))
        let ps = sections[.codebooks]!
        let pqFloats = m * (1 << nbits) * (dt / m)
        guard ps.length == pqFloats * 4 else {
            throw IndexError.corrupt(section: Section.codebooks.name, detail: "length \(ps.length), expected \(pqFloats * 4)")
        }
        let pq = try ProductQuantizer(dimension: dt, m: m, nbits: nbits, centroids: floats(base + ps.offset, pqFloats))
        // Directory.
        let index = try IVFPQIndex(config)
        let lists = index.invlists
        let ds = sections[.directory]!, ls = sections[.listData]!
        guard ds.length == nlist * 32 else {
            throw IndexError.corrupt(section: Section.directory.name, detail: "length \(ds.length), expected \(nlist * 32)")
        }
        var newLists = [InvertedLists.List](repeating: .init(), count: nlist)
        var total: UInt64 = 0
        let dataBase = base + ls.offset
        for l in 0..<nlist {
            let e = ds.offset + l * 32
            let n = u64(base, e), a = u64(base, e + 8), b = u64(base, e + 16), v = u64(base, e + 24)
            if n == 0 { continue }
            guard n < 1 << 32 else { throw IndexError.corrupt(section: Section.directory.name, detail: "list \(l) count \(n)") }
            let cnt = Int(n)
            let ends: [(UInt64, Int)] = [(a, cnt * 8), (b, lists.codeBytes(forCount: cnt))]
                + (lists.vectorBytes > 0 ? [(v, cnt * lists.vectorBytes)] : [])
            for (o, len) in ends where o % 64 != 0 || o > UInt64(ls.length) || UInt64(len) > UInt64(ls.length) - o {
                throw IndexError.corrupt(section: Section.directory.name, detail: "list \(l) points outside the list data")
            }
            let mp = UnsafeMutableRawPointer(mutating: dataBase)
            newLists[l] = .init(count: cnt, capacity: cnt, ids: (mp + Int(a)).assumingMemoryBound(to: Int64.self),
                                codes: mp + Int(b), vectors: lists.vectorBytes > 0 ? mp + Int(v) : nil, owned: false)
            total += n
        }
        guard total == ntotal else {
            throw IndexError.corrupt(section: Section.directory.name, detail: "lists hold \(total) vectors, header says \(ntotal)")
        }
        lists.installMapped(newLists, mapping: map)
        let st = TrainedState(metric: metric, transform: transform, coarse: coarse, pq: pq)
        return IVFPQIndex(configuration: config, state: st, invlists: lists)
    }

    // MARK: helpers

    @inline(__always) static func u32(_ p: UnsafeRawPointer, _ o: Int) -> UInt32 {
        UInt32(littleEndian: p.loadUnaligned(fromByteOffset: o, as: UInt32.self))
    }
    @inline(__always) static func u64(_ p: UnsafeRawPointer, _ o: Int) -> UInt64 {
        UInt64(littleEndian: p.loadUnaligned(fromByteOffset: o, as: UInt64.self))
    }
    static func floats(_ p: UnsafeRawPointer, _ n: Int) -> [Float] {
        [Float](unsafeUninitializedCapacity: n) { buf, count in
            memcpy(buf.baseAddress!, p, n * 4)
            count = n
        }
    }
    static func floatBytes(_ f: [Float]) -> [UInt8] { f.withUnsafeBytes { Array($0) } }
    static func put32(_ b: inout [UInt8], _ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { b += $0 } }
    static func put64(_ b: inout [UInt8], _ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { b += $0 } }
    static func allZero(_ p: UnsafeRawPointer, _ n: Int) -> Bool {
        for i in 0..<n where p.load(fromByteOffset: i, as: UInt8.self) != 0 { return false }
        return true
    }

    static func syncDirectory(of path: String) {
        var dir = path
        if let slash = dir.lastIndex(of: "/") { dir = String(dir[..<slash]) } else { dir = "." }
        if dir.isEmpty { dir = "/" }
        let fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd >= 0 {
            fsync(fd)
            close(fd)
        }
    }
}

extension IVFPQIndex {
    /// Saves atomically (see `IndexFile`).
    public func save(to path: String) throws { try IndexFile.save(self, to: path) }

    /// Maps and validates a saved index (see `IndexFile`).
    public static func load(from path: String, verification: IndexFile.Verification = .full) throws -> IVFPQIndex {
        try IndexFile.load(from: path, verification: verification)
    }
}

#if canImport(Glibc)
@inline(__always) private func systemWrite(_ fd: Int32, _ p: UnsafeRawPointer, _ n: Int) -> Int { Glibc.write(fd, p, n) }
#elseif canImport(Darwin)
@inline(__always) private func systemWrite(_ fd: Int32, _ p: UnsafeRawPointer, _ n: Int) -> Int { Darwin.write(fd, p, n) }
#endif

/// Buffered sequential writer with positional header patching.
final class FileWriter {
    private var fd: Int32
    private let path: String
    private var buffer: [UInt8] = []
    private(set) var position = 0
    private static let bufferLimit = 1 << 22

    init(path: String) throws {
        self.path = path
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw IndexError.io(path: path, operation: "open", errno: errno) }
        buffer.reserveCapacity(Self.bufferLimit)
    }

    func write(_ bytes: [UInt8]) throws {
        bytes.withUnsafeBytes { buffer += $0 }
        position += bytes.count
        if buffer.count >= Self.bufferLimit { try flush() }
    }

    /// Writes n bytes from p; returns the CRC-32C continued from crc.
    func write(_ p: UnsafeRawPointer, _ n: Int, crc: UInt32) throws -> UInt32 {
        let c = sl_crc32c(crc, p, n)
        if n >= Self.bufferLimit {
            try flush()
            try writeAll(p, n)
            position += n
        } else {
            buffer += UnsafeRawBufferPointer(start: p, count: n)
            position += n
            if buffer.count >= Self.bufferLimit { try flush() }
        }
        return c
    }

    func writeZeros(_ n: Int) throws { try write([UInt8](repeating: 0, count: n)) }

    func padTo(_ offset: Int) throws {
        precondition(offset >= position)
        if offset > position { try writeZeros(offset - position) }
    }

    func padTo(_ offset: Int, crc: UInt32) throws -> UInt32 {
        precondition(offset >= position)
        let n = offset - position
        if n == 0 { return crc }
        let z = [UInt8](repeating: 0, count: n)
        return try z.withUnsafeBytes { try write($0.baseAddress!, n, crc: crc) }
    }

    func flush() throws {
        if buffer.isEmpty { return }
        try buffer.withUnsafeBytes { try writeAll($0.baseAddress!, $0.count) }
        buffer.removeAll(keepingCapacity: true)
    }

    private func writeAll(_ p: UnsafeRawPointer, _ n: Int) throws {
        var done = 0
        while done < n {
            let r = systemWrite(fd, p + done, n - done)
            if r < 0 {
                if errno == EINTR { continue }
                throw IndexError.io(path: path, operation: "write", errno: errno)
            }
            done += r
        }
    }

    func pwriteAll(_ bytes: [UInt8], at offset: Int) throws {
        try bytes.withUnsafeBytes { b in
            var done = 0
            while done < b.count {
                let r = pwrite(fd, b.baseAddress! + done, b.count - done, off_t(offset + done))
                if r < 0 {
                    if errno == EINTR { continue }
                    throw IndexError.io(path: path, operation: "pwrite", errno: errno)
                }
                done += r
            }
        }
    }

    func fsyncAndClose() throws {
        guard fsync(fd) == 0 else { throw IndexError.io(path: path, operation: "fsync", errno: errno) }
        let rc = close(fd)
        fd = -1
        guard rc == 0 else { throw IndexError.io(path: path, operation: "close", errno: errno) }
    }

    func closeQuietly() {
        if fd >= 0 { close(fd); fd = -1 }
    }
}
