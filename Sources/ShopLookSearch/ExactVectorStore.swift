import ShopLookBLAS
import ShopLookIndex

/// Vectors kept whole and searched exhaustively: a shard's category before it holds enough vectors to
/// train an IVF-PQ index (``CategoryIndex``). Cosine similarity: rows are L2-normalised on insert.
///
/// A value type; not thread-safe on its own (``CategoryIndex`` guards it).
struct ExactVectorStore: Sendable {
    let dimension: Int
    /// size count × dimension, layout (row, component); unit rows.
    private(set) var vectors: [Float] = []
    /// size count; the id of each row.
    private(set) var ids: [Int64] = []
    private var rowOf: [Int64: Int] = [:]

    init(dimension: Int) {
        self.dimension = dimension
    }

    var count: Int { ids.count }

    func contains(_ id: Int64) -> Bool { rowOf[id] != nil }

    /// Inserts or replaces the vector of `id`.
    mutating func upsert(id: Int64, vector: [Float]) {
        precondition(vector.count == dimension, "vector dimension \(vector.count), store dimension \(dimension)")
        let unit = Self.normalised(vector)
        if let row = rowOf[id] {
            vectors.replaceSubrange(row * dimension..<(row + 1) * dimension, with: unit)
        } else {
            rowOf[id] = ids.count
            ids.append(id)
            vectors += unit
        }
    }

    /// Removes `id` (the last row takes its place). Returns whether it was there.
    @discardableResult
    mutating func remove(_ id: Int64) -> Bool {
        guard let row = rowOf.removeValue(forKey: id) else { return false }
        let last = ids.count - 1
        if row != last {
            let moved = ids[last]
            ids[row] = moved
            rowOf[moved] = row
            vectors.replaceSubrange(row * dimension..<(row + 1) * dimension, with: vectors[last * dimension..<(last + 1) * dimension])
        }
        ids.removeLast()
        vectors.removeLast(dimension)
        return true
    }

    /// Below this many queries a search runs one matrix-vector product per query: OpenBLAS's sgemm packs all the
    /// rows on every call, so one query against 20,000 rows of 256 took 3.5 ms by sgemm and 0.9 ms by sgemv, and
    /// four queries took the same either way (one thread, OpenBLAS 0.3.21).
    static let fewestQueriesForGemm = 4

    /// The `k` most similar rows to each query (row-major, `queries.count / dimension` of them), best first:
    /// cosine similarities, exact.
    func search(_ queries: [Float], k: Int) -> [[SearchHit]] {
        let queryCount = queries.count / dimension
        guard count > 0, k > 0 else { return Array(repeating: [], count: queryCount) }
        let units = (0..<queryCount).flatMap { Self.normalised(Array(queries[$0 * dimension..<($0 + 1) * dimension])) }
        var similarities = [Float](repeating: 0, count: queryCount * count)
        units.withUnsafeBufferPointer { q in
            vectors.withUnsafeBufferPointer { base in
                similarities.withUnsafeMutableBufferPointer { out in
                    if queryCount < Self.fewestQueriesForGemm {
                        for query in 0..<queryCount {
                            BLAS.gemv(
                                m: count, n: dimension, a: base.baseAddress!, lda: dimension, x: q.baseAddress! + query * dimension,
                                y: out.baseAddress! + query * count)
                        }
                    } else {
                        BLAS.gemmABt(
                            m: queryCount, n: count, k: dimension, a: q.baseAddress!, lda: dimension, b: base.baseAddress!,
                            ldb: dimension, c: out.baseAddress!, ldc: count)
                    }
                }
            }
        }
        return (0..<queryCount).map { query in
            Self.top(k, of: similarities[query * count..<(query + 1) * count], ids: ids)
        }
    }

    /// The best `k` of `scores` (higher is better; ties to the earlier row), best first.
    static func top(_ k: Int, of scores: ArraySlice<Float>, ids: [Int64]) -> [SearchHit] {
        var best: [SearchHit] = []
        best.reserveCapacity(min(k, scores.count) + 1)
        for (row, score) in zip(ids.indices, scores) {
            guard best.count < k || score > best[best.count - 1].score else { continue }
            var position = best.count
            while position > 0, best[position - 1].score < score { position -= 1 }
            best.insert(SearchHit(id: ids[row], score: score), at: position)
            if best.count > k { best.removeLast() }
        }
        return best
    }

    static func normalised(_ vector: [Float]) -> [Float] {
        let norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
        guard norm > 0 else { return vector }
        return vector.map { $0 / norm }
    }
}
