/// The first 128 bytes of an index file: what was configured and where the file ends.
///
/// ```
/// bytes 0..<8     magic "SLIVFPQ\0"
/// bytes 8..<12    format version (u32, 1)
/// bytes 12..<16   header bytes (u32, 128)
/// bytes 16..<20   dimension               bytes 20..<24   metric (`Metric` raw value)
/// bytes 24..<28   nlist                   bytes 28..<32   m
/// bytes 32..<36   nbits                   bytes 36..<40   code layout (0 flat, 1 fast-scan4)
/// bytes 40..<44   transform (0 none, 1 PCA)
/// bytes 44..<48   working dimension       bytes 48..<52   re-rank storage (0 none, 1 f16, 2 f32)
/// bytes 52..<56   section count (u32)     bytes 56..<64   vector count (u64)
/// bytes 64..<72   file bytes (u64)        bytes 72..<80   seed (u64)
/// bytes 80..<84   k-means iterations      bytes 84..<88   max training points per centroid
/// bytes 88..<92   random rotation (0/1)
/// bytes 92..<124  zero
/// bytes 124..<128 CRC-32C of bytes 0..<124
/// ```
/// Fields without a size are u32. The fields hold what the file says; `configuration()`
/// checks them.
struct IndexFileHeader: Equatable {
    static let byteCount = 128
    /// Bytes covered by the header checksum.
    static let checksummedByteCount = 124

    var dimension: UInt32
    var metric: UInt32
    var nlist: UInt32
    var m: UInt32
    var nbits: UInt32
    /// 0 flat (one byte per sub-quantizer), 1 fast-scan 4-bit blocks.
    var codeLayout: UInt32
    /// 0 none, 1 PCA.
    var transform: UInt32
    var workingDimension: UInt32
    var rerankStorage: UInt32
    var sectionCount: UInt32
    var vectorCount: UInt64
    var fileBytes: UInt64
    var seed: UInt64
    var kmeansIterations: UInt32
    var maxTrainingPointsPerCentroid: UInt32
    /// 1 when the PCA is followed by a random rotation.
    var randomRotation: UInt32
}

extension IndexFileHeader {
    /// The header of a file holding an index with this configuration.
    init(_ c: IVFPQIndex.Configuration, sectionCount: Int, vectorCount: UInt64, fileBytes: Int) {
        var rotation: UInt32 = 0
        if case .pca(_, let r) = c.transform { rotation = r ? 1 : 0 }
        self.init(dimension: UInt32(c.dimension), metric: c.metric.rawValue, nlist: UInt32(c.nlist), m: UInt32(c.m),
                  nbits: UInt32(c.nbits), codeLayout: c.nbits == 4 ? 1 : 0, transform: c.transform == .none ? 0 : 1,
                  workingDimension: UInt32(c.workingDimension), rerankStorage: c.rerankStorage.rawValue,
                  sectionCount: UInt32(sectionCount), vectorCount: vectorCount, fileBytes: UInt64(fileBytes),
                  seed: c.seed, kmeansIterations: UInt32(c.kmeansIterations),
                  maxTrainingPointsPerCentroid: UInt32(c.maxTrainingPointsPerCentroid), randomRotation: rotation)
    }

    /// The 128 header bytes, checksum included.
    func encoded() -> [UInt8] {
        var w = ByteWriter(capacity: Self.byteCount)
        w.append(IndexFile.magic)
        w.append(IndexFile.formatVersion)
        w.append(UInt32(Self.byteCount))
        for v in [dimension, metric, nlist, m, nbits, codeLayout, transform, workingDimension, rerankStorage, sectionCount] {
            w.append(v)
        }
        for v in [vectorCount, fileBytes, seed] { w.append(v) }
        for v in [kmeansIterations, maxTrainingPointsPerCentroid, randomRotation] { w.append(v) }
        w.pad(to: Self.checksummedByteCount)
        w.append(IndexFile.crc32c(w.bytes))
        return w.bytes
    }

    /// Reads and checks the magic, version, checksum and size of the header at the start of file.
    init(reading file: UnsafeRawBufferPointer, path: String) throws {
        var r = ByteReader(file, section: "header")
        try r.require(Self.byteCount)
        guard try r.readBytes(8).elementsEqual(IndexFile.magic) else { throw IndexError.badMagic(path: path) }
        let version = try r.readUInt32()
        guard version == IndexFile.formatVersion else {
            throw IndexError.unsupportedVersion(found: version, supported: IndexFile.formatVersion)
        }
        try Self.verifyChecksum(file)
        let headerBytes = try r.readUInt32()
        guard headerBytes == UInt32(Self.byteCount) else {
            throw IndexError.corrupt(section: "header", detail: "header size \(headerBytes)")
        }
        try self.init(fieldsFrom: &r)
    }

    private static func verifyChecksum(_ file: UnsafeRawBufferPointer) throws {
        let computed = IndexFile.crc32c(UnsafeRawBufferPointer(rebasing: file[0..<checksummedByteCount]))
        var r = ByteReader(file, section: "header", position: checksummedByteCount)
        let stored = try r.readUInt32()
        guard computed == stored else { throw IndexError.checksumMismatch(section: "header", expected: stored, actual: computed) }
    }

    /// Reads bytes 16..<92.
    private init(fieldsFrom r: inout ByteReader) throws {
        self.init(dimension: try r.readUInt32(), metric: try r.readUInt32(), nlist: try r.readUInt32(),
                  m: try r.readUInt32(), nbits: try r.readUInt32(), codeLayout: try r.readUInt32(),
                  transform: try r.readUInt32(), workingDimension: try r.readUInt32(), rerankStorage: try r.readUInt32(),
                  sectionCount: try r.readUInt32(), vectorCount: try r.readUInt64(), fileBytes: try r.readUInt64(),
                  seed: try r.readUInt64(), kmeansIterations: try r.readUInt32(),
                  maxTrainingPointsPerCentroid: try r.readUInt32(), randomRotation: try r.readUInt32())
    }

    /// The configuration the header describes; throws `IndexError.corrupt` for inconsistent fields.
    func configuration() throws -> IVFPQIndex.Configuration {
        guard let similarity = Metric(rawValue: metric) else { throw corrupt("metric \(metric)") }
        guard let storage = VectorStorage(rawValue: rerankStorage) else { throw corrupt("storage \(rerankStorage)") }
        guard transform <= 1, codeLayout == (nbits == 4 ? 1 : 0), (1...8).contains(sectionCount) else {
            throw corrupt("inconsistent layout fields")
        }
        let working = Int(workingDimension)
        let config = IVFPQIndex.Configuration(
            dimension: Int(dimension), metric: similarity, nlist: Int(nlist), m: Int(m), nbits: Int(nbits),
            transform: transform == 1 ? .pca(outputDimension: working, randomRotation: randomRotation == 1) : .none,
            rerankStorage: storage, seed: seed, kmeansIterations: Int(kmeansIterations),
            maxTrainingPointsPerCentroid: Int(maxTrainingPointsPerCentroid))
        do { try config.validate() } catch { throw corrupt("\(error)") }
        guard config.workingDimension == working else { throw corrupt("working dimension") }
        return config
    }

    /// Whether the file has a transform section.
    var hasTransform: Bool { transform == 1 }

    private func corrupt(_ detail: String) -> IndexError { .corrupt(section: "header", detail: detail) }
}
