import ArgumentParser
import Foundation
import ShopLookCommandSupport
import ShopLookModelOptions
import ShopLookCore
import ShopLookVision

struct EvalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval", abstract: "Measure the vision models on labelled data.", subcommands: [EvalRetrievalCommand.self, EvalPoseCommand.self, EvalArticlesCommand.self, EvalStreetToShopCommand.self])
}

struct EvalRetrievalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retrieval",
        abstract: "Same-class retrieval precision: queries search the catalog by cosine similarity (folders of class subfolders).")

    @OptionGroup var vision: VisionOptions

    @Option(help: "Catalog folder (class subfolders of JPEGs).")
    var catalog: String

    @Option(help: "Query folder (class subfolders of JPEGs).")
    var queries: String

    func run() async throws {
        let embedder = try vision.embedder()
        let started = ContinuousClock.now
        let (catalogVectors, catalogLabels, catalogFailures) = try await LabelledFolder(path: catalog).embed(with: embedder)
        let (queryVectors, queryLabels, queryFailures) = try await LabelledFolder(path: queries).embed(with: embedder)
        let metrics = RetrievalEvaluation.evaluate(
            catalog: catalogVectors, catalogLabels: catalogLabels, queries: queryVectors, queryLabels: queryLabels,
            group: { CategoryTaxonomy.superCategory(for: $0)?.rawValue })
        let seconds = Double((ContinuousClock.now - started).components.seconds)
        JSONLineWriter().write([
            "model": embedder.modelVersion, "dim": embedder.dimension, "framing": embedder.framing.rawValue,
            "precision_at_1": metrics.precisionAt1, "precision_at_10": metrics.precisionAt10,
            "super_category_precision_at_10": metrics.superCategoryPrecisionAt10,
            "queries": metrics.queries, "catalog": metrics.catalog, "failed": catalogFailures + queryFailures,
            "seconds": seconds,
        ])
    }
}

/// A folder of class subfolders of JPEGs.
struct LabelledFolder {
    let path: String

    func files() throws -> [(file: String, label: String)] {
        let root = URL(fileURLWithPath: path)
        let classes = try FileManager.default.contentsOfDirectory(atPath: root.path).filter { name in
            var isDirectory: ObjCBool = false
            return !name.hasPrefix(".") && FileManager.default.fileExists(atPath: root.appendingPathComponent(name).path, isDirectory: &isDirectory)
                && isDirectory.boolValue
        }.sorted()
        guard !classes.isEmpty else { throw ValidationError("\(path) has no class subfolders") }
        return try classes.flatMap { label in
            try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(label).path)
                .filter { !$0.hasPrefix(".") }.sorted().map { (root.appendingPathComponent(label).appendingPathComponent($0).path, label) }
        }
    }

    /// Embeddings as matrix rows, their labels, and how many files failed (reported on standard error).
    /// With `features`, the rows are the features before any projection; with `mirrored`, of the photos
    /// flipped left to right.
    func embed(with embedder: ImageEmbedder, features: Bool = false, mirrored: Bool = false) async throws -> (Matrix, [String], Int) {
        let listed = try files()
        let labels = Dictionary(uniqueKeysWithValues: listed.map { ($0.file, $0.label) })
        var rows: [Float] = []
        var kept: [String] = []
        var failed = 0
        try await ProductPhotoBatch(embedder: embedder, mirrored: mirrored).embed(files: listed.map(\.file)) { file, result in
            switch result {
            case .success((_, let embedding)):
                rows += features ? embedding.features : embedding.vector
                kept.append(labels[file]!)
            case .failure(let error):
                failed += 1
                FileHandle.standardError.write(Data("skipped \(file): \(error)\n".utf8))
            }
        }
        return (Matrix(rows: kept.count, columns: features ? embedder.featureDimension : embedder.dimension, values: rows), kept, failed)
    }
}
