import ArgumentParser
import Foundation
import ShopLookCore
import ShopLookSearch

/// The baseline: the same 3-article searches on one index per super-category holding all the vectors, in this
/// process (no fan-out, no transport, no merge), with the searchers' index policy.
struct InProcessCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "inprocess", abstract: "The same searches on one in-process index of all the vectors.")

    @Option var vectors = 1_000_000
    @Option var dimension = 256
    @Option var searches = 1000
    @Option var k = 10
    @Option var trainingThreshold = 20_000

    func run() async throws {
        let catalog = SyntheticCatalog(dimension: dimension)
        var policy = IndexPolicy()
        policy.trainingThreshold = trainingThreshold
        var indexes: [SuperCategory: CategoryIndex] = [:]
        let started = ContinuousClock.now
        for (offset, superCategory) in SyntheticCatalog.superCategories.enumerated() {
            let members = Array(stride(from: offset, to: vectors, by: 3))
            let index = CategoryIndex(dimension: dimension, policy: policy)
            _ = try await index.rebuild {
                (members.flatMap { catalog.vector($0) }, members.map { Int64($0) })
            }
            indexes[superCategory] = index
        }
        let buildSeconds = (ContinuousClock.now - started).seconds
        let base = (vectors + 2) / 3 * 3
        let queries = (0..<searches).map { search in
            (0..<3).map { offset in (base + search * 3 + offset) }.map { (catalog.superCategory($0), catalog.vector($0)) }
        }
        for warm in 0..<min(20, searches) { for (superCategory, vector) in queries[warm] { _ = try indexes[superCategory]!.search(query: vector, k: k) } }
        var latencies = Latencies()
        for search in queries {
            let begun = ContinuousClock.now
            for (superCategory, vector) in search { _ = try indexes[superCategory]!.search(query: vector, k: k) }
            latencies.record(ContinuousClock.now - begun)
        }
        printJSON([
            "inprocess_search_p50_ms": latencies.percentile(50), "inprocess_search_p99_ms": latencies.percentile(99),
            "inprocess_build_s": buildSeconds, "inprocess_vectors": vectors,
        ])
    }
}
