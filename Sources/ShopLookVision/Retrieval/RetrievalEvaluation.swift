/// Retrieval quality of an embedding: every query searches the catalog by cosine similarity.
public struct RetrievalMetrics: Sendable, Equatable, Codable {
    /// Share of queries whose nearest catalog item has the query's class.
    public var precisionAt1: Double
    /// Mean share of the 10 nearest catalog items with the query's class.
    public var precisionAt10: Double
    /// Mean share of the 10 nearest with the query's super-category (upper / lower / foot); classes
    /// without a super-category only match themselves.
    public var superCategoryPrecisionAt10: Double
    /// `precisionAt10` over each class's queries.
    public var precisionAt10ByClass: [String: Double]
    /// Queries per class.
    public var queriesByClass: [String: Int]
    public var queries: Int
    public var catalog: Int

    enum CodingKeys: String, CodingKey {
        case precisionAt1 = "precision_at_1"
        case precisionAt10 = "precision_at_10"
        case superCategoryPrecisionAt10 = "super_category_precision_at_10"
        case precisionAt10ByClass = "precision_at_10_by_class"
        case queriesByClass = "queries_by_class"
        case queries, catalog
    }
}

public enum RetrievalEvaluation {
    /// - Parameters:
    ///   - catalog: catalog embeddings as rows (any norm; rows are normalised here).
    ///   - queries: query embeddings as rows, same width.
    ///   - group: the super-category of a class name, `nil` for none.
    ///   - perQuery: called with each query's row and its share of same-class items among the 10 nearest.
    public static func evaluate(
        catalog: Matrix, catalogLabels: [String], queries: Matrix, queryLabels: [String],
        group: (String) -> String?, perQuery: (Int, Double) -> Void = { _, _ in }
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
        var byClass: [String: (sum: Double, count: Int)] = [:]
        for (query, found) in neighbours.enumerated() {
            let label = queryLabels[query]
            let labelGroup = group(label) ?? "class:" + label
            if let first = found.first, catalogLabels[first] == label { at1 += 1 }
            let share = Double(found.filter { catalogLabels[$0] == label }.count) / Double(k)
            at10 += share
            perQuery(query, share)
            byClass[label, default: (0, 0)].sum += share
            byClass[label, default: (0, 0)].count += 1
            superAt10 += Double(found.filter { (group(catalogLabels[$0]) ?? "class:" + catalogLabels[$0]) == labelGroup }.count) / Double(k)
        }
        let count = Double(max(1, queries.rows))
        return RetrievalMetrics(
            precisionAt1: at1 / count, precisionAt10: at10 / count, superCategoryPrecisionAt10: superAt10 / count,
            precisionAt10ByClass: byClass.mapValues { $0.sum / Double($0.count) }, queriesByClass: byClass.mapValues(\.count),
            queries: queries.rows, catalog: catalog.rows)
    }
}
