import Testing
@testable import ShopLookIndex

@Suite struct KMeansTests {
    @Test func deterministicForASeedAndDifferentForAnother() throws {
        let d = 16
        let x = TestData.mixture(n: 3000, d: d, clusters: 12, seed: 1)
        let p = KMeans.Parameters(k: 12, iterations: 10, seed: 99)
        let a = try KMeans.train(x, dimension: d, parameters: p)
        let b = try KMeans.train(x, dimension: d, parameters: p)
        #expect(a.centroids == b.centroids)
        var p2 = p
        p2.seed = 100
        let c = try KMeans.train(x, dimension: d, parameters: p2)
        #expect(a.centroids != c.centroids)
        // Lloyd iterations never increase the objective (up to float noise).
        for i in 1..<a.objectiveHistory.count {
            #expect(a.objectiveHistory[i] <= a.objectiveHistory[i - 1] * 1.0001)
        }
    }

    @Test func subsamplingAndPlusPlusAndEmptyClusterRepair() throws {
        let d = 8
        // 50 points with many duplicates: empty clusters are likely and must be repaired.
        var x = TestData.mixture(n: 5, d: d, clusters: 5, seed: 3)
        x = Array((0..<10).flatMap { _ in x })
        let km = try KMeans.train(x, dimension: d, parameters: .init(k: 8, iterations: 5, seed: 1, initialization: .plusPlus))
        #expect(km.centroids.count == 8 * d)
        #expect(km.centroids.allSatisfy { $0.isFinite })
        let big = TestData.mixture(n: 5000, d: d, clusters: 10, seed: 4)
        let sub = try KMeans.train(big, dimension: d, parameters: .init(k: 10, iterations: 8, seed: 1, maxPointsPerCentroid: 50))
        let (assign, dist) = sub.assign(big)
        #expect(Set(assign).count == 10)
        #expect(dist.allSatisfy { $0 >= 0 })
    }

    @Test func rejectsTooFewPoints() {
        #expect(throws: IndexError.self) {
            _ = try KMeans.train([1, 2, 3, 4], dimension: 2, parameters: .init(k: 3))
        }
    }
}
