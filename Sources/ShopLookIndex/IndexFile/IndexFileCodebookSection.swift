/// Section 3: the product quantizer's codebooks.
///
/// ```
/// bytes 0..<4 · m · ksub · dsub     centroids: m x ksub x dsub f32, layout (m, ksub, dsub)
/// ```
/// ksub = 2^nbits, dsub = w / m (w is the working dimension).
struct IndexFileCodebookSection {
    /// size m * ksub * dsub, layout (m, ksub, dsub)
    var centroids: [Float]

    init(_ pq: ProductQuantizer) { centroids = pq.centroids }

    func encoded() -> [UInt8] {
        var w = ByteWriter(capacity: centroids.count * 4)
        w.append(floats: centroids)
        return w.bytes
    }

    /// Reads the section of a file whose configuration is c.
    init(reading bytes: UnsafeRawBufferPointer, _ c: IVFPQIndex.Configuration) throws {
        let count = c.m * (1 << c.nbits) * (c.workingDimension / c.m)
        try IndexFileSection.codebooks.requireLength(bytes.count, expected: count * 4)
        var r = ByteReader(bytes, section: IndexFileSection.codebooks.name)
        centroids = try r.readFloats(count)
    }

    func quantizer(_ c: IVFPQIndex.Configuration) throws -> ProductQuantizer {
        try ProductQuantizer(dimension: c.workingDimension, m: c.m, nbits: c.nbits, centroids: centroids)
    }
}
