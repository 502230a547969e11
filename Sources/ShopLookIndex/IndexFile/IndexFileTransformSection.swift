/// Section 1, present only for a PCA transform: y = (x − mean) · matrixᵀ.
///
/// ```
/// bytes 0..<4d              mean: d f32
/// bytes 4d..<4(d + w·d)     matrix: w x d f32, layout (w, d)
/// ```
/// d is the dimension and w the working dimension of the header.
struct IndexFileTransformSection {
    /// size d
    var mean: [Float]
    /// size w * d, layout (w, d)
    var matrix: [Float]

    init(_ transform: PCATransform) {
        mean = transform.mean
        matrix = transform.matrix
    }

    func encoded() -> [UInt8] {
        var w = ByteWriter(capacity: (mean.count + matrix.count) * 4)
        w.append(floats: mean)
        w.append(floats: matrix)
        return w.bytes
    }

    /// Reads the section of a file whose configuration is c.
    init(reading bytes: UnsafeRawBufferPointer, _ c: IVFPQIndex.Configuration) throws {
        let d = c.dimension, w = c.workingDimension
        try IndexFileSection.transform.requireLength(bytes.count, expected: (d + w * d) * 4)
        var r = ByteReader(bytes, section: IndexFileSection.transform.name)
        mean = try r.readFloats(d)
        matrix = try r.readFloats(w * d)
    }

    func transform(_ c: IVFPQIndex.Configuration) throws -> PCATransform {
        try PCATransform(inputDimension: c.dimension, outputDimension: c.workingDimension, mean: mean, matrix: matrix)
    }
}
