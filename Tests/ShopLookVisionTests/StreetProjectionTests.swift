import ShopLookCore
import ShopLookVision
import Testing

/// A street projection: adapted from a catalog projection into its space (the catalog keeps its vectors).
@Suite struct StreetProjectionTests {
    /// Three classes told apart by one of 64 dimensions each. "Catalog" rows carry the class in dimensions 0–2;
    /// "street" rows carry it more weakly there and add a strong offset shared by every street row plus the class in
    /// dimensions 3–5, the way a street crop's background and skin dominate what a product photo's garment shows.
    func rows(perClass: Int, street: Bool, seed: UInt64) -> (Matrix, [Int]) {
        var generator = SplitMix64(seed: seed)
        var rows: [[Float]] = []
        var labels: [Int] = []
        for index in 0..<(3 * perClass) {
            let label = index % 3
            var row = (0..<64).map { _ in generator.nextUnitFloat() * 2 - 1 }
            if street {
                row[label] += 0.6
                row[3 + label] += 2
                row[10] += 4
                row[11] += 2 * Float(label % 2)
            } else {
                row[label] += 2
            }
            rows.append(row)
            labels.append(label)
        }
        return (Matrix(stacking: rows), labels)
    }

    func trainer(epochs: Int) -> ProjectionTrainer {
        var trainer = ProjectionTrainer()
        trainer.projectedDimension = 8
        trainer.epochs = epochs
        trainer.batchSize = 64
        trainer.learningRate = 0.02
        return trainer
    }

    func precision(catalog: Matrix, _ catalogLabels: [Int], queries: Matrix, _ queryLabels: [Int]) -> Double {
        let names = ["a", "b", "c"]
        return RetrievalEvaluation.evaluate(
            catalog: catalog, catalogLabels: catalogLabels.map { names[$0] }, queries: queries,
            queryLabels: queryLabels.map { names[$0] }, group: { _ in nil }
        ).precisionAt10
    }

    @Test func adaptedProjectionMapsHeldOutStreetRowsNearTheCatalogsClassesWhileTheCatalogKeepsItsVectors() {
        let (catalog, catalogLabels) = rows(perClass: 150, street: false, seed: 11)
        let (street, streetLabels) = rows(perClass: 100, street: true, seed: 12)
        let (heldOut, heldOutLabels) = rows(perClass: 30, street: true, seed: 13)
        let (products, productLabels) = rows(perClass: 30, street: false, seed: 14)
        let base = trainer(epochs: 40).train(features: catalog, labels: catalogLabels, classCount: 3, blend: 0)
        let proxies = ProjectionTrainer.classMeans(base.apply(catalog), labels: catalogLabels, classCount: 3)
        let adapted = trainer(epochs: 40).adapt(
            base, features: catalog.appending(street), labels: catalogLabels + streetLabels, proxies: proxies)
        #expect(adapted.adaptedFrom == base.contentID && adapted.blend == 0)
        #expect(adapted.inputDimension == base.inputDimension && adapted.projectedDimension == base.projectedDimension)

        let catalogVectors = base.apply(catalog)
        let before = precision(catalog: catalogVectors, catalogLabels, queries: base.apply(heldOut), heldOutLabels)
        let after = precision(catalog: catalogVectors, catalogLabels, queries: adapted.apply(heldOut), heldOutLabels)
        #expect(after > before + 0.2 && after > 0.9, "street rows through the base \(before), through the adapted projection \(after)")
        // Product photos searched as the catalog's are searched (the base both sides) are as they were; through the
        // adapted projection they still find their class: it was trained on the catalog too.
        let productsBase = precision(catalog: catalogVectors, catalogLabels, queries: base.apply(products), productLabels)
        let productsAdapted = precision(catalog: catalogVectors, catalogLabels, queries: adapted.apply(products), productLabels)
        #expect(productsBase > 0.9 && productsAdapted > productsBase - 0.05, "products: base \(productsBase), adapted \(productsAdapted)")
    }

    @Test func adaptingIsDeterministicAndKeepsTheProxiesFixed() {
        let (catalog, labels) = rows(perClass: 20, street: false, seed: 21)
        let base = trainer(epochs: 3).train(features: catalog, labels: labels, classCount: 3, blend: 0)
        let proxies = ProjectionTrainer.classMeans(base.apply(catalog), labels: labels, classCount: 3)
        let once = trainer(epochs: 3).adapt(base, features: catalog, labels: labels, proxies: proxies)
        #expect(once == trainer(epochs: 3).adapt(base, features: catalog, labels: labels, proxies: proxies))
        #expect(once.weights != base.weights, "the weights learn")
        // Zero epochs: the base's weights, named as adapted from it.
        let untouched = trainer(epochs: 0).adapt(base, features: catalog, labels: labels, proxies: proxies)
        #expect(untouched.weights == base.weights && untouched.adaptedFrom == base.contentID && untouched.contentID != base.contentID)
    }

    @Test func classMeansAreNormalisedPerClassAndZeroForAnEmptyClass() {
        let means = ProjectionTrainer.classMeans(
            Matrix(stacking: [[1, 0], [3, 4], [0, 2]]), labels: [0, 0, 1], classCount: 3)
        #expect(means.rows == 3)
        let first = Array(means.row(0))
        // [1, 0] + [3, 4] = [4, 4], normalised.
        #expect(abs(first[0] - Float(0.5).squareRoot()) < 1e-6 && abs(first[1] - Float(0.5).squareRoot()) < 1e-6)
        #expect(Array(means.row(1)) == [0, 1])
        #expect(Array(means.row(2)) == [0, 0])
    }

    @Test func adaptedFileNamesItsBaseAndACatalogProjectionsFileIsAsBefore() throws {
        let weights = Matrix(rows: 3, columns: 2, values: [1, 2, 3, 4, 5, -6.5])
        let base = LinearProjection(weights: weights, blend: 0)
        #expect(Array(base.serialized().prefix(8)) == Array("SLPROJ02".utf8), "a catalog projection keeps the format its vectors' ids were made with")
        let adapted = LinearProjection(weights: weights, blend: 0, adaptedFrom: base.contentID)
        var bytes = adapted.serialized()
        #expect(Array(bytes.prefix(8)) == Array("SLPROJ03".utf8))
        #expect(bytes.count == base.serialized().count + 12)
        let read = try LinearProjection(serialized: bytes)
        #expect(read == adapted && read.adaptedFrom == base.contentID)
        #expect(adapted.contentID != base.contentID, "the base's name is part of the file's id")
        bytes[25] ^= 1
        #expect(throws: ProjectionFileError.self) { try LinearProjection(serialized: bytes) }
        // A well-formed checksum over a base name that is not 12 hex digits is refused too.
        var forged = Array(adapted.serialized().dropLast(32))
        forged.replaceSubrange(20..<32, with: Array("not-an-id!!!".utf8))
        #expect(throws: ProjectionFileError.self) { try LinearProjection(serialized: forged + SHA256.hash(forged)) }
    }
}
