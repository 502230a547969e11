import ShopLookBLAS

/// A dense row-major float32 matrix: `rows × columns`, element (r, c) at `values[r * columns + c]`.
public struct Matrix: Sendable, Equatable {
    public var rows: Int
    public var columns: Int
    public var values: [Float]

    public init(rows: Int, columns: Int, values: [Float]) {
        precondition(values.count == rows * columns, "a \(rows)×\(columns) matrix needs \(rows * columns) values, got \(values.count)")
        self.rows = rows
        self.columns = columns
        self.values = values
    }

    public init(rows: Int, columns: Int, repeating value: Float = 0) {
        self.init(rows: rows, columns: columns, values: [Float](repeating: value, count: rows * columns))
    }

    /// Stacks equally long vectors as rows.
    public init(stacking vectors: [[Float]]) {
        let columns = vectors.first?.count ?? 0
        precondition(vectors.allSatisfy { $0.count == columns }, "rows of different lengths")
        self.init(rows: vectors.count, columns: columns, values: vectors.flatMap { $0 })
    }

    public func row(_ index: Int) -> ArraySlice<Float> {
        values[(index * columns)..<((index + 1) * columns)]
    }

    /// `self × other` (or with either side transposed), with OpenBLAS `sgemm`.
    public func multiplied(by other: Matrix, transposeSelf: Bool = false, transposeOther: Bool = false) -> Matrix {
        let m = transposeSelf ? columns : rows
        let k = transposeSelf ? rows : columns
        let otherK = transposeOther ? other.columns : other.rows
        let n = transposeOther ? other.rows : other.columns
        precondition(k == otherK, "inner dimensions differ: \(k) vs \(otherK)")
        var result = Matrix(rows: m, columns: n)
        guard m > 0, n > 0, k > 0 else { return result }
        values.withUnsafeBufferPointer { a in
            other.values.withUnsafeBufferPointer { b in
                result.values.withUnsafeMutableBufferPointer { c in
                    BLAS.gemm(
                        transposeA: transposeSelf, transposeB: transposeOther, m: m, n: n, k: k, alpha: 1, a: a.baseAddress!,
                        lda: columns, b: b.baseAddress!, ldb: other.columns, beta: 0, c: c.baseAddress!, ldc: n)
                }
            }
        }
        return result
    }

    /// Each row scaled to unit L2 norm (rows of zeros stay zero). Returns the original norms.
    @discardableResult
    public mutating func normalizeRows() -> [Float] {
        var norms = [Float](repeating: 0, count: rows)
        let columns = self.columns
        values.withUnsafeMutableBufferPointer { buffer in
            for row in 0..<rows {
                let start = row * columns
                var sum: Float = 0
                for index in start..<(start + columns) { sum += buffer[index] * buffer[index] }
                let norm = sum.squareRoot()
                norms[row] = norm
                guard norm > 0 else { continue }
                let inverse = 1 / norm
                for index in start..<(start + columns) { buffer[index] *= inverse }
            }
        }
        return norms
    }

    /// This matrix's rows, then `other`'s (same width).
    public func appending(_ other: Matrix) -> Matrix {
        precondition(columns == other.columns, "appending rows of another width")
        return Matrix(rows: rows + other.rows, columns: columns, values: values + other.values)
    }
}

/// Indices of the `k` largest values of each row (descending), ignoring `exclude(row, column)` pairs.
func topK(_ scores: Matrix, k: Int, exclude: (Int, Int) -> Bool = { _, _ in false }) -> [[Int]] {
    (0..<scores.rows).map { row in
        var best: [(Float, Int)] = []
        best.reserveCapacity(k + 1)
        let base = row * scores.columns
        for column in 0..<scores.columns where !exclude(row, column) {
            let score = scores.values[base + column]
            if best.count == k, let last = best.last, score <= last.0 { continue }
            let position = best.firstIndex { $0.0 < score } ?? best.count
            best.insert((score, column), at: position)
            if best.count > k { best.removeLast() }
        }
        return best.map(\.1)
    }
}
