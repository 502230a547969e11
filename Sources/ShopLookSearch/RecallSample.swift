/// Queries drawn from an index's own vectors, each with its exact 10 nearest neighbours among all of them:
/// what a reindex measures recall@10 with, before and after.
public struct RecallSample: Sendable {
    public let queries: [(query: [Float], truth: Set<Int64>)]

    /// Up to `size` of `vectors` (evenly spaced) as queries, with exact ground truth over every vector.
    public init(_ vectors: [(id: Int64, vector: [Float])], size: Int = 200) {
        guard let dimension = vectors.first?.vector.count, size > 0 else {
            queries = []
            return
        }
        var exact = ExactVectorStore(dimension: dimension)
        for (id, vector) in vectors { exact.upsert(id: id, vector: vector) }
        let step = max(1, vectors.count / size)
        queries = stride(from: 0, to: vectors.count, by: step).prefix(size).map { position in
            let query = vectors[position].vector
            return (query, Set(exact.search(query, k: 10)[0].map(\.id)))
        }
    }

    /// The share of the true 10 nearest that `index` returns in its top 10; nil for an empty sample.
    public func recall(of index: CategoryIndex) throws -> Double? {
        var found = 0, wanted = 0
        for (query, truth) in queries {
            found += try index.search(query: query, k: 10).filter { truth.contains($0.id) }.count
            wanted += truth.count
        }
        return wanted == 0 ? nil : Double(found) / Double(wanted)
    }
}
