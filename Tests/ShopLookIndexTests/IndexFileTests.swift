import Testing
@testable import ShopLookIndex
#if canImport(Glibc)
import Glibc
#endif

@Suite struct IndexFileTests {
    static func build(nbits: Int, transform: TransformKind, storage: VectorStorage, metric: Metric = .l2) throws -> (IVFPQIndex, [Float]) {
        let d = 32
        var x = TestData.mixture(n: 1500, d: d, clusters: 10, seed: 41)
        if metric != .l2 { x = TestData.normalized(x, d: d) }
        let idx = try IVFPQIndex(.init(dimension: d, metric: metric, nlist: 8, m: nbits == 4 ? 16 : 8, nbits: nbits,
                                       transform: transform, rerankStorage: storage, seed: 3, kmeansIterations: 5))
        try idx.train(x)
        try idx.add(x, ids: (0..<Int64(1500)).map { $0 * 11 })
        idx.remove(ids: [0, 11 * 5, 11 * 700])
        return (idx, x)
    }

    @Test(arguments: [(8, false, VectorStorage.none), (4, true, .float16), (4, false, .float32), (8, true, .float16)])
    func roundTripIsBitForBit(nbits: Int, pca: Bool, storage: VectorStorage) throws {
        let (idx, x) = try Self.build(nbits: nbits, transform: pca ? .pca(outputDimension: 16, randomRotation: true) : .none,
                                      storage: storage, metric: pca ? .l2 : .innerProduct)
        let path = TestData.tempPath("rt\(nbits)\(pca)\(storage.rawValue)")
        defer { unlink(path); unlink(path + "2") }
        try idx.save(to: path)
        let loaded = try IVFPQIndex.load(from: path)
        #expect(loaded.configuration == idx.configuration)
        #expect(loaded.count == idx.count)
        let q = Array(x[0..<(40 * 32)])
        let p = IVFPQIndex.SearchParameters(nprobe: 4, rerankFactor: storage == .none ? 0 : 3)
        #expect(try loaded.search(q, k: 10, parameters: p) == idx.search(q, k: 10, parameters: p))
        try loaded.save(to: path + "2")
        #expect(TestData.readBytes(path) == TestData.readBytes(path + "2"))
        // The loaded (memory-mapped) index accepts mutations (copy-on-write lists).
        #expect(loaded.remove(ids: [11, 22]) == 2)
        try loaded.add(Array(x[0..<32]), ids: [11])
        #expect(loaded.contains(id: 11) && !loaded.contains(id: 22))
        #expect(loaded.count == idx.count - 1)
    }

    @Test func everyCorruptedSectionAndTruncationIsRejected() throws {
        let (idx, _) = try Self.build(nbits: 4, transform: .pca(outputDimension: 16, randomRotation: false), storage: .float16)
        let path = TestData.tempPath("corrupt")
        let bad = path + ".bad"
        defer { unlink(path); unlink(bad) }
        try idx.save(to: path)
        let good = TestData.readBytes(path)
        // Section boundaries from the table.
        func u32(_ o: Int) -> Int { Int(good[o]) | Int(good[o + 1]) << 8 | Int(good[o + 2]) << 16 | Int(good[o + 3]) << 24 }
        func u64(_ o: Int) -> Int { u32(o) | u32(o + 4) << 32 }
        let count = u32(52)
        var targets: [(String, Int)] = [("header", 20), ("section table", 128 + 8)]
        let names = [1: "transform", 2: "coarse centroids", 3: "pq codebooks", 4: "list directory", 5: "list data"]
        for i in 0..<count {
            let e = 128 + i * 32
            let off = u64(e + 8), len = u64(e + 16)
            targets.append((names[u32(e)]!, off + len / 2))
            targets.append((names[u32(e)]!, off + len - 1))
        }
        #expect(targets.count == 2 + 2 * 5)
        for (name, offset) in targets {
            var b = good
            b[offset] ^= 0x5A
            TestData.writeBytes(bad, b)
            do {
                _ = try IVFPQIndex.load(from: bad)
                Issue.record("flipped byte at \(offset) (\(name)) was accepted")
            } catch let e as IndexError {
                switch e {
                case .checksumMismatch(let s, let expected, let actual):
                    #expect(s == name)
                    #expect(expected != actual)
                    #expect(e.description.contains(name))
                default: Issue.record("unexpected error \(e) for \(name)")
                }
            }
        }
        // Magic.
        var b = good
        b[0] = UInt8(ascii: "X")
        TestData.writeBytes(bad, b)
        #expect(throws: IndexError.badMagic(path: bad)) { _ = try IVFPQIndex.load(from: bad) }
        // Padding between sections.
        b = good
        let firstSection = u64(128 + 8)
        if firstSection > 128 + count * 32 + 4 {
            b[firstSection - 1] ^= 1
            TestData.writeBytes(bad, b)
            #expect(throws: IndexError.self) { _ = try IVFPQIndex.load(from: bad) }
        }
        // Truncation at many lengths, including inside every section.
        var cuts = [0, 1, 64, 127, 128, 129, 200, good.count - 1]
        for i in 0..<count { let e = 128 + i * 32; cuts.append(u64(e + 8) + 3); cuts.append(u64(e + 8) + u64(e + 16) - 2) }
        for cut in cuts where cut < good.count {
            TestData.writeBytes(bad, Array(good[0..<cut]))
            do {
                _ = try IVFPQIndex.load(from: bad)
                Issue.record("truncated file (\(cut) bytes) was accepted")
            } catch let e as IndexError {
                guard case .truncated(_, let expected, let actual) = e else {
                    Issue.record("unexpected error \(e) at cut \(cut)")
                    continue
                }
                #expect(actual == UInt64(cut))
                #expect(expected > actual)
            }
        }
        // Trailing garbage.
        TestData.writeBytes(bad, good + [1, 2, 3])
        #expect(throws: IndexError.self) { _ = try IVFPQIndex.load(from: bad) }
        // Missing file.
        #expect(throws: IndexError.self) { _ = try IVFPQIndex.load(from: path + ".missing") }
        // metadataOnly skips the list data checksum but keeps the others.
        b = good
        let dataEntry = (0..<count).map { 128 + $0 * 32 }.first { u32($0) == 5 }!
        b[u64(dataEntry + 8) + 10] ^= 0xFF
        TestData.writeBytes(bad, b)
        #expect(throws: IndexError.self) { _ = try IVFPQIndex.load(from: bad) }
        _ = try IVFPQIndex.load(from: bad, verification: .metadataOnly)
    }

    @Test func saveIsAtomicAndLeavesNoTemporaryFile() throws {
        let (idx, _) = try Self.build(nbits: 8, transform: .none, storage: .none)
        let dir = TestData.tempPath("dir")
        mkdir(dir, 0o755)
        defer { unlink(dir + "/i.slivf"); rmdir(dir) }
        try idx.save(to: dir + "/i.slivf")
        try idx.save(to: dir + "/i.slivf")  // overwrite
        var names: [String] = []
        if let d = opendir(dir) {
            while let e = readdir(d) {
                let name = withUnsafeBytes(of: e.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
                if name != "." && name != ".." { names.append(name) }
            }
            closedir(d)
        }
        #expect(names == ["i.slivf"])
        #expect(throws: IndexError.self) { try idx.save(to: "/nonexistent-dir/x/i.slivf") }
    }
}
