import ShopLookCore
import ShopLookVision
import Testing

@Suite struct RetrievalTests {
    /// Two classes along different axes of a 4-d space, with a nuisance dimension.
    func clusters(noise: Float, perClass: Int, seed: UInt64) -> (Matrix, [String]) {
        var generator = SplitMix64(seed: seed)
        var rows: [[Float]] = []
        var labels: [String] = []
        for index in 0..<(2 * perClass) {
            let label = index % 2 == 0 ? "shirt" : "skirt"
            let centre: [Float] = label == "shirt" ? [1, 0, 0, 0] : [0, 1, 0, 0]
            rows.append(centre.map { $0 + noise * generator.nextUnitFloat() } + [0])
            labels.append(label)
        }
        return (Matrix(stacking: rows), labels)
    }

    @Test func separatedClassesGivePerfectPrecision() {
        let (catalog, catalogLabels) = clusters(noise: 0.1, perClass: 20, seed: 1)
        let (queries, queryLabels) = clusters(noise: 0.1, perClass: 5, seed: 2)
        let metrics = RetrievalEvaluation.evaluate(
            catalog: catalog, catalogLabels: catalogLabels, queries: queries, queryLabels: queryLabels,
            group: { $0 == "shirt" ? "upper" : "lower" })
        #expect(metrics.precisionAt1 == 1)
        #expect(metrics.precisionAt10 == 1)
        #expect(metrics.superCategoryPrecisionAt10 == 1)
        #expect(metrics.queries == 10 && metrics.catalog == 40)
    }

    /// 10 "a" near the direction [1, 0.5], 10 "b": 3 along [1, 0] (closer to [1, 0] than every "a"), 7 along [0, 1].
    static func twoClassCatalog() -> (Matrix, [String]) {
        var rows: [[Float]] = []
        var labels: [String] = []
        for index in 0..<10 { rows.append([1, 0.5 + Float(index) * 0.01]); labels.append("a") }
        for _ in 0..<3 { rows.append([1, 0]); labels.append("b") }
        for _ in 0..<7 { rows.append([0, 1]); labels.append("b") }
        return (Matrix(stacking: rows), labels)
    }

    @Test func precisionCountsTheRightNeighbours() {
        let (catalog, labels) = Self.twoClassCatalog()
        let metrics = RetrievalEvaluation.evaluate(
            catalog: catalog, catalogLabels: labels, queries: Matrix(stacking: [[1, 0]]), queryLabels: ["a"],
            group: { _ in "upper" })
        #expect(metrics.precisionAt1 == 0)
        #expect(abs(metrics.precisionAt10 - 0.7) < 1e-9)
        #expect(metrics.superCategoryPrecisionAt10 == 1)
    }

    @Test func precisionPerClassAveragesEachClassesQueries() {
        // "a" queries: one finds 10 "a" (1.0), one finds 3 "b" first (0.7); the "b" query finds its 7 "b", then "a" (0.7).
        let (catalog, labels) = Self.twoClassCatalog()
        let metrics = RetrievalEvaluation.evaluate(
            catalog: catalog, catalogLabels: labels, queries: Matrix(stacking: [[1, 0.55], [1, 0], [0, 1]]),
            queryLabels: ["a", "a", "b"], group: { _ in "upper" })
        #expect(metrics.queriesByClass == ["a": 2, "b": 1])
        #expect(abs(metrics.precisionAt10ByClass["a"]! - 0.85) < 1e-9)
        #expect(abs(metrics.precisionAt10ByClass["b"]! - 0.7) < 1e-9)
        #expect(abs(metrics.precisionAt10 - 0.8) < 1e-9)
    }

    @Test func matrixProductMatchesHandComputation() {
        let a = Matrix(rows: 2, columns: 3, values: [1, 2, 3, 4, 5, 6])
        let b = Matrix(rows: 3, columns: 2, values: [7, 8, 9, 10, 11, 12])
        #expect(a.multiplied(by: b).values == [58, 64, 139, 154])
        #expect(a.multiplied(by: a, transposeOther: true).values == [14, 32, 32, 77])
        #expect(a.multiplied(by: a, transposeSelf: true).values == [17, 22, 27, 22, 29, 36, 27, 36, 45])
    }
}

@Suite struct ProjectionTests {
    /// Three classes that differ in one of 128 dimensions each, the rest shared noise: cosine on the raw
    /// features confuses them (P@10 ≈ 0.81), a projection onto the informative directions would not (≈ 0.99).
    func data(perClass: Int, seed: UInt64) -> (Matrix, [Int]) {
        var generator = SplitMix64(seed: seed)
        var rows: [[Float]] = []
        var labels: [Int] = []
        for index in 0..<(3 * perClass) {
            let label = index % 3
            var row = (0..<128).map { _ in generator.nextUnitFloat() * 2 - 1 }
            row[label] += 2
            rows.append(row)
            labels.append(label)
        }
        return (Matrix(stacking: rows), labels)
    }

    @Test func learnedProjectionBeatsRawFeaturesOnHeldOutData() {
        let (train, trainLabels) = data(perClass: 200, seed: 3)
        let (test, testLabels) = data(perClass: 40, seed: 4)
        var trainer = ProjectionTrainer()
        trainer.projectedDimension = 8
        trainer.epochs = 60
        trainer.batchSize = 64
        trainer.learningRate = 0.02
        let projection = trainer.train(features: train, labels: trainLabels, classCount: 3, blend: 0)
        let names = ["a", "b", "c"]
        let raw = RetrievalEvaluation.evaluate(
            catalog: train, catalogLabels: trainLabels.map { names[$0] }, queries: test, queryLabels: testLabels.map { names[$0] },
            group: { _ in nil })
        let learned = RetrievalEvaluation.evaluate(
            catalog: projection.apply(train), catalogLabels: trainLabels.map { names[$0] }, queries: projection.apply(test),
            queryLabels: testLabels.map { names[$0] }, group: { _ in nil })
        #expect(learned.precisionAt10 > raw.precisionAt10 + 0.1, "raw \(raw.precisionAt10), learned \(learned.precisionAt10)")
    }

    @Test func trainingIsDeterministicForASeed() {
        let (train, labels) = data(perClass: 30, seed: 5)
        var trainer = ProjectionTrainer()
        trainer.projectedDimension = 4
        trainer.epochs = 3
        #expect(trainer.train(features: train, labels: labels, classCount: 3, blend: 0.3)
            == trainer.train(features: train, labels: labels, classCount: 3, blend: 0.3))
    }

    @Test func blendMixesCosines() {
        let projection = LinearProjection(weights: Matrix(rows: 2, columns: 2, values: [1, 0, 0, 1]), blend: 0.25)
        let out = projection.apply(Matrix(stacking: [[3, 4], [4, 3]]))
        #expect(out.columns == 4)
        // Identity projection: both parts have the same cosine, so the blend keeps it.
        let cosine = zip(out.row(0), out.row(1)).map { $0 * $1 }.reduce(0, +)
        #expect(abs(cosine - 24 / 25) < 1e-5)
    }

    @Test func fileRoundTripAndCorruption() throws {
        let projection = LinearProjection(weights: Matrix(rows: 3, columns: 2, values: [1, 2, 3, 4, 5, -6.5]), blend: 0.5)
        var bytes = projection.serialized()
        #expect(try LinearProjection(serialized: bytes) == projection)
        bytes[20] ^= 1
        #expect(throws: ProjectionFileError.self) { try LinearProjection(serialized: bytes) }
        #expect(throws: ProjectionFileError.self) { try LinearProjection(serialized: Array(bytes.prefix(10))) }
    }
}
