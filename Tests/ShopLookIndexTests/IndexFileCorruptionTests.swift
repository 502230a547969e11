import CShopLookSIMD
import Testing
@testable import ShopLookIndex
#if canImport(Glibc)
import Glibc
#endif

/// Damaged files fail with the `IndexError` that names what is wrong, never a crash,
/// including files whose checksums were recomputed over inconsistent contents.
@Suite struct IndexFileCorruptionTests {
    /// A fixture file's bytes, edited in place with its checksums kept valid.
    struct EditableFile {
        var bytes: [UInt8]

        init(_ fixture: IndexFileFixture) { bytes = TestData.readBytes(fixture.path) }

        func u32(_ o: Int) -> UInt32 { (0..<4).reduce(0) { $0 | UInt32(bytes[o + $1]) << (8 * $1) } }
        func u64(_ o: Int) -> UInt64 { UInt64(u32(o)) | UInt64(u32(o + 4)) << 32 }
        mutating func set32(_ o: Int, _ v: UInt32) { for i in 0..<4 { bytes[o + i] = UInt8(truncatingIfNeeded: v >> (8 * i)) } }
        mutating func set64(_ o: Int, _ v: UInt64) { set32(o, UInt32(truncatingIfNeeded: v)); set32(o + 4, UInt32(v >> 32)) }

        var sectionCount: Int { Int(u32(52)) }
        /// Offset of the table entry of a section kind.
        func entry(_ kind: UInt32) -> Int { (0..<sectionCount).map { 128 + $0 * 32 }.first { u32($0) == kind }! }
        func sectionOffset(_ kind: UInt32) -> Int { Int(u64(entry(kind) + 8)) }

        func crc(_ range: Range<Int>) -> UInt32 { bytes[range].withUnsafeBytes { sl_crc32c(0, $0.baseAddress!, $0.count) } }

        /// Recomputes every section checksum, then the table's and the header's (as far as
        /// the table lies in the file and its entries point into it).
        mutating func resealed() -> [UInt8] {
            let count = min(sectionCount, (bytes.count - 132) / 32)
            for i in 0..<count {
                let e = 128 + i * 32, o = u64(e + 8), n = u64(e + 16)
                if o <= UInt64(bytes.count), n <= UInt64(bytes.count) - o { set32(e + 24, crc(Int(o)..<Int(o + n))) }
            }
            set32(128 + count * 32, crc(128..<(128 + count * 32)))
            set32(124, crc(0..<124))
            return bytes
        }
    }

    static func loadError(_ bytes: [UInt8], _ name: String, verification: IndexFile.Verification = .full) -> IndexError? {
        let path = TestData.tempPath("corruption-" + name)
        defer { unlink(path) }
        TestData.writeBytes(path, bytes)
        do {
            _ = try IVFPQIndex.load(from: path, verification: verification)
            return nil
        } catch let e as IndexError {
            return e
        } catch {
            Issue.record("not an IndexError: \(error)")
            return nil
        }
    }

    static let small = IndexFileFixture.all.first { $0.name == "fastscan4-cosine-f16.slivf" }!
    static let pca = IndexFileFixture.all.first { $0.name == "pcar-fastscan4-l2-f16.slivf" }!

    @Test func everyTruncationIsTruncated() {
        let good = EditableFile(Self.small).bytes
        for cut in 0..<good.count {
            let e = Self.loadError(Array(good[0..<cut]), "cut")
            guard case .truncated(_, let expected, let actual)? = e else {
                Issue.record("cut at \(cut): \(String(describing: e))")
                continue
            }
            #expect(actual == UInt64(cut) && expected > actual)
        }
    }

    @Test func everyFlippedByteIsRejected() {
        let good = EditableFile(Self.small).bytes
        for offset in 0..<good.count {
            var b = good
            b[offset] ^= 0x40
            if Self.loadError(b, "flip") == nil { Issue.record("flipped byte \(offset) was accepted") }
        }
    }

    @Test func unsupportedVersion() {
        var f = EditableFile(Self.small)
        f.set32(8, 2)
        #expect(Self.loadError(f.bytes, "version") == .unsupportedVersion(found: 2, supported: 1))
    }

    @Test func inconsistentHeaderFields() {
        let edits: [(offset: Int, value: UInt32, IndexError)] = [
            (12, 64, .corrupt(section: "header", detail: "header size 64")),
            (20, 9, .corrupt(section: "header", detail: "metric 9")),
            (48, 7, .corrupt(section: "header", detail: "storage 7")),
            (36, 0, .corrupt(section: "header", detail: "inconsistent layout fields")),
            (40, 2, .corrupt(section: "header", detail: "inconsistent layout fields")),
            (52, 0, .corrupt(section: "header", detail: "inconsistent layout fields")),
            (52, 9, .corrupt(section: "header", detail: "inconsistent layout fields")),
            (16, 0, .corrupt(section: "header", detail: "invalid argument: dimension must be positive")),
            (44, 4, .corrupt(section: "header", detail: "working dimension")),
        ]
        for (offset, value, expected) in edits {
            var f = EditableFile(Self.small)
            f.set32(offset, value)
            #expect(Self.loadError(f.resealed(), "header") == expected, "u32 at \(offset) = \(value)")
        }
    }

    @Test func inconsistentSectionTable() {
        var f = EditableFile(Self.small)
        f.set32(128, 9)
        #expect(Self.loadError(f.resealed(), "kind")
            == .corrupt(section: "section table", detail: "entry 0 has unknown or repeated kind 9"))
        f = EditableFile(Self.small)
        f.set32(128 + 32, f.u32(128))
        #expect(Self.loadError(f.resealed(), "repeated")
            == .corrupt(section: "section table", detail: "entry 1 has unknown or repeated kind 2"))
        f = EditableFile(Self.small)
        let coarse = f.sectionOffset(2)
        f.set64(f.entry(2) + 8, UInt64(coarse + 4))
        #expect(Self.loadError(f.resealed(), "misaligned")
            == .corrupt(section: "coarse centroids", detail: "bad offset \(coarse + 4) / length \(f.u64(f.entry(2) + 16))"))
        f = EditableFile(Self.small)
        f.set64(f.entry(3) + 8, UInt64(coarse + 64))
        #expect(Self.loadError(f.resealed(), "overlap")
            == .corrupt(section: "pq codebooks", detail: "overlaps the previous section"))
        f = EditableFile(Self.small)
        f.set64(f.entry(2) + 16, f.u64(f.entry(2) + 16) - 4)
        f.set32(coarse + 124, 0)  // the dropped bytes become zero padding
        #expect(Self.loadError(f.resealed(), "short")
            == .corrupt(section: "coarse centroids", detail: "length 124, expected 128"))
        f = EditableFile(Self.small)
        f.set64(64, f.u64(64) - 1)
        #expect(Self.loadError(f.resealed(), "size") == .corrupt(section: "file", detail: "1 unexpected trailing bytes"))
    }

    @Test func transformPresenceMustMatchTheHeader() {
        var f = EditableFile(Self.pca)
        f.set32(40, 0)
        f.set32(44, 16)
        #expect(Self.loadError(f.resealed(), "presence")
            == .corrupt(section: "section table", detail: "transform section presence"))
        // Codebooks dropped: their entry replaced by the list data's, their bytes zeroed.
        f = EditableFile(Self.pca)
        let codebooks = f.entry(3), data = f.entry(5), offset = f.sectionOffset(3)
        for i in offset..<(offset + Int(f.u64(codebooks + 16))) { f.bytes[i] = 0 }
        for i in 0..<32 { f.bytes[codebooks + i] = f.bytes[data + i] }
        for i in data..<(data + 36) { f.bytes[i] = 0 }
        f.set32(52, 4)
        #expect(Self.loadError(f.resealed(), "missing")
            == .corrupt(section: "section table", detail: "missing section 'pq codebooks'"))
    }

    @Test func inconsistentListDirectory() {
        var f = EditableFile(Self.small)
        let directory = f.sectionOffset(4)
        f.set64(directory, f.u64(directory) + 1)
        #expect(Self.loadError(f.resealed(), "count")
            == .corrupt(section: "list directory", detail: "lists hold \(f.u64(56) + 1) vectors, header says \(f.u64(56))"))
        f = EditableFile(Self.small)
        f.set64(directory + 8, 8)
        #expect(Self.loadError(f.resealed(), "aligned")
            == .corrupt(section: "list directory", detail: "list 0 points outside the list data"))
        f = EditableFile(Self.small)
        f.set64(directory + 32 + 16, 1 << 40)
        #expect(Self.loadError(f.resealed(), "outside")
            == .corrupt(section: "list directory", detail: "list 1 points outside the list data"))
        f = EditableFile(Self.small)
        f.set64(directory + 3 * 32, 1 << 33)
        #expect(Self.loadError(f.resealed(), "huge")
            == .corrupt(section: "list directory", detail: "list 3 count \(UInt64(1) << 33)"))
    }

    @Test func metadataOnlySkipsOnlyTheListDataChecksum() throws {
        var f = EditableFile(Self.small)
        f.bytes[f.sectionOffset(5) + 3] ^= 1
        guard case .checksumMismatch(let section, _, _)? = Self.loadError(f.bytes, "data") else {
            Issue.record("list data damage not found")
            return
        }
        #expect(section == "list data")
        #expect(Self.loadError(f.bytes, "data-meta", verification: .metadataOnly) == nil)
        f.bytes[f.sectionOffset(3) + 3] ^= 1
        guard case .checksumMismatch(let meta, _, _)? = Self.loadError(f.bytes, "codebooks", verification: .metadataOnly) else {
            Issue.record("codebook damage not found")
            return
        }
        #expect(meta == "pq codebooks")
    }
}
