/// Retrieval quality of an embedding: every query searches the catalog by cosine similarity.
public struct RetrievalMetrics: Sendable, Equatable, Codable {
    /// Share of queries whose nearest catalog item has the query's class.
    public var precisionAt1: Double
    /// Mean share of the 10 nearest catalog items with the query's class.
    public var precisionAt10: Double
    /// Mean share of the 10 nearest with the query's super-category (upper / lower / foot); classes
    /// without a super-category only match themselves.
    public var superCategoryPrecisionAt10: Double
    public var queries: Int
    public var catalog: Int

    enum CodingKeys: String, CodingKey {
        case precisionAt1 = "precision_at_1"
        case precisionAt10 = "precision_at_10"
        case superCategoryPrecisionAt10 = "super_category_precision_at_10"
        case queries, catalog
    }
}

public enum RetrievalEvaluation {
    /// - Parameters:
    ///   - catalog: catalog embeddings as rows (any norm; rows are normalised here).
    ///   - queries: query embeddings as rows, same width.
    ///   - group: the super-category of a class name, `nil` for none.
    public static func evaluate(
        catalog: Matrix, catalogLabels: [String], queries: Matrix, queryLabels: [String],
        group: (String) -> String?
    ) -> RetrievalMetrics {
        precondition(catalog.rows == catalogLabels.count && queries.rows == queryLabels.count)
        var catalog = catalog
        var queries = queries
        catalog.normalizeRows()
        queries.normalizeRows()
        let scores = queries.multiplied(by: catalog, transposeOther: true)
        let k = min(10, catalog.rows)
        let neighbours = topK(scores, k: k)
        var at1 = 0.0
        var at10 = 0.0
        var superAt10 = 0.0
        for (query, found) in neighbours.enumerated() {
            let label = queryLabels[query]
            let labelGroup = group(label) ?? "class:" + label
            if let first = found.first, catalogLabels[first] == label { at1 += 1 }
            at10 += Double(found.filter { catalogLabels[$0] == label }.count) / Double(k)
            superAt10 += Double(found.filter { (group(catalogLabels[$0]) ?? "class:" + catalogLabels[$0]) == labelGroup }.count) / Double(k)
        }
        let count = Double(max(1, queries.rows))
        return RetrievalMetrics(
            precisionAt1: at1 / count, precisionAt10: at10 / count, superCategoryPrecisionAt10: superAt10 / count,
            queries: queries.rows, catalog: catalog.rows)
    }
}
