import ArgumentParser
import Foundation
import ShopLookModelOptions
import ShopLookTestSupport
import ShopLookVision
import Testing

/// `--street-projection`: which projection a look's garment crops go through, and why, for the catalog's embedder.
@Suite(.requiresModels)
struct StreetProjectionOptionsTests {
    @Test("auto takes the models folder's street projection only when it fits the catalog's embedder; a file given by name must")
    func choosesAndRefuses() async throws {
        let catalog = try LookFixture.catalogEmbedder()
        let baseID = try #require(catalog.projectionID)
        let folder = TestPaths.scratchDirectory("street-projection-options")
        defer { try? FileManager.default.removeItem(at: folder) }
        let models = try ModelOptions.parse(["--models", folder.path])
        func load(_ value: String) throws -> (projection: LinearProjection?, reason: String) {
            try StreetProjectionOptions.parse(["--street-projection", value]).load(models: models, for: catalog)
        }
        let weights = Matrix(rows: catalog.featureDimension, columns: 4, values: (0..<(catalog.featureDimension * 4)).map { Float($0 % 7) - 3 })
        let installed = folder.appendingPathComponent(StreetProjectionOptions.fileName)

        #expect(try load("none").projection == nil)
        let missing = try load("auto")
        #expect(missing.projection == nil && missing.reason.contains("no street projection at \(installed.path)"), "\(missing.reason)")

        // Adapted from another catalog projection: auto passes it over and says why; by name it is a usage error.
        try Data(LinearProjection(weights: weights, blend: 0, adaptedFrom: "0123456789ab").serialized()).write(to: installed)
        let stranger = try load("auto")
        #expect(stranger.projection == nil && stranger.reason.contains("adapted from the projection 0123456789ab"), "\(stranger.reason)")
        #expect(throws: ValidationError.self) { _ = try load(installed.path) }

        // A catalog projection is no street projection.
        try Data(LinearProjection(weights: weights, blend: 0).serialized()).write(to: installed)
        #expect(try load("auto").projection == nil)

        // Adapted from the catalog's: taken, by auto and by name.
        let street = LinearProjection(weights: weights, blend: 0, adaptedFrom: baseID)
        try Data(street.serialized()).write(to: installed)
        let chosen = try load("auto")
        #expect(chosen.projection == street && chosen.reason.contains(street.contentID), "\(chosen.reason)")
        #expect(try load(installed.path).projection == street)

        // Its stamp says it was trained on another model's features: not used.
        try ProjectionTrainingStamp(inputs: "model another-model@000000000000", contentID: street.contentID).write(for: installed)
        let stale = try load("auto")
        #expect(stale.projection == nil && stale.reason.contains("another-model@000000000000"), "\(stale.reason)")
        #expect(throws: ValidationError.self) { _ = try load(installed.path) }
        #expect(throws: ValidationError.self) { _ = try load(folder.appendingPathComponent("absent.slproj").path) }
    }
}
