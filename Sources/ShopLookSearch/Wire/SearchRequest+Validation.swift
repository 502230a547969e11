extension SearchRequest {
    /// The most queries one request may carry.
    public static let maximumQueries = 64
    /// The most hits a query may ask for.
    public static let maximumK = 1000

    /// Checks what a searcher checks before it searches (it answers 400 with the reason): `k` 1–``maximumK``,
    /// 1–``maximumQueries`` queries, and query vectors of finite numbers. Here rather than in the searcher so that
    /// the `search-wire` fuzz target checks exactly what the searcher accepts.
    ///
    /// Why finite: a NaN or an infinity in a query makes every cosine of it NaN, and JSON cannot carry NaN, so the
    /// searcher failed to encode its answer (a 500 instead of a 400; the fuzz target found it). Finite values too
    /// large to square are fine: the query is normalised to zeros and every score is 0.
    public func validate() throws(SearchError) {
        guard (1...Self.maximumK).contains(k) else { throw .invalidRequest("k must be 1–\(Self.maximumK)") }
        guard (1...Self.maximumQueries).contains(queries.count) else {
            throw .invalidRequest("a request carries 1–\(Self.maximumQueries) queries")
        }
        for (position, query) in queries.enumerated() {
            if let index = query.vector.values.firstIndex(where: { !$0.isFinite }) {
                throw .invalidRequest("query \(position) holds a value that is not a finite number at \(index)")
            }
        }
    }
}
