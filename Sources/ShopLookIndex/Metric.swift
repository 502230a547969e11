/// Similarity used by an index.
///
/// Internally every index minimises a distance: squared L2 for `.l2`, and the
/// negated inner product for `.innerProduct` and `.cosine`. Reported scores are
/// squared L2 distances (smaller is better) or inner products (larger is better).
public enum Metric: UInt32, Sendable, CaseIterable {
    /// Squared Euclidean distance.
    case l2 = 0
    /// Inner product.
    case innerProduct = 1
    /// Inner product of L2-normalised vectors (the index normalises on add and search).
    case cosine = 2

    /// True when larger scores are better.
    public var higherIsBetter: Bool { self != .l2 }
    /// True for the metrics computed as inner products internally.
    var usesInnerProduct: Bool { self != .l2 }

    /// Converts an internal distance (smaller is better) to the reported score.
    @inline(__always) func score(fromDistance d: Float) -> Float { self == .l2 ? d : -d }
}

/// One search hit.
public struct SearchHit: Sendable, Equatable {
    public var id: Int64
    /// Squared L2 distance, or inner product / cosine similarity.
    public var score: Float
    public init(id: Int64, score: Float) {
        self.id = id
        self.score = score
    }
}

/// Results of a batch search: `queryCount * k` hits, row-major, best first.
/// Rows with fewer than k hits are padded with id -1 and score NaN.
public struct SearchResults: Sendable, Equatable {
    public let queryCount: Int
    public let k: Int
    /// size queryCount * k, layout (query, rank)
    public var ids: [Int64]
    /// size queryCount * k, layout (query, rank)
    public var scores: [Float]

    public init(queryCount: Int, k: Int, ids: [Int64], scores: [Float]) {
        self.queryCount = queryCount
        self.k = k
        self.ids = ids
        self.scores = scores
    }

    /// Hits of query q, best first, without padding.
    public func hits(forQuery q: Int) -> [SearchHit] {
        var out: [SearchHit] = []
        out.reserveCapacity(k)
        for r in 0..<k where ids[q * k + r] >= 0 {
            out.append(SearchHit(id: ids[q * k + r], score: scores[q * k + r]))
        }
        return out
    }
}
