/// Section 2: the coarse quantizer's centroids.
///
/// ```
/// bytes 0..<4 · nlist · w     centroids: nlist x w f32, layout (nlist, w)
/// ```
/// w is the working dimension (after the transform).
struct IndexFileCoarseSection {
    /// size nlist * w, layout (nlist, w)
    var centroids: [Float]

    init(_ coarse: CoarseQuantizer) { centroids = coarse.centroids }

    func encoded() -> [UInt8] {
        var w = ByteWriter(capacity: centroids.count * 4)
        w.append(floats: centroids)
        return w.bytes
    }

    /// Reads the section of a file whose configuration is c.
    init(reading bytes: UnsafeRawBufferPointer, _ c: IVFPQIndex.Configuration) throws {
        let count = c.nlist * c.workingDimension
        try IndexFileSection.coarse.requireLength(bytes.count, expected: count * 4)
        var r = ByteReader(bytes, section: IndexFileSection.coarse.name)
        centroids = try r.readFloats(count)
    }

    func quantizer(_ c: IVFPQIndex.Configuration) throws -> CoarseQuantizer {
        try CoarseQuantizer(dimension: c.workingDimension, nlist: c.nlist, usesInnerProduct: c.metric.usesInnerProduct,
                            centroids: centroids)
    }
}
