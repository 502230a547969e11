import ArgumentParser
import Foundation
import ShopLookCommandSupport
import ShopLookCore
import ShopLookImaging
import ShopLookModelOptions
import ShopLookPose
import ShopLookVision

/// Street to shop: garment crops of street photos (ccp's ground-truth boxes) search a catalog of product photos.
struct EvalStreetToShopCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "street2shop",
        abstract: "Same-class precision of street-photo crops searching a product catalog (ccp's ground truth; photos in photos/ beside it).",
        discussion: """
            Queries: the lower-wear box of every photo whose labels name one kind of lower wear (jeans, pants, \
            leggings → pants; shorts; skirt) and is not a dress photo, and the upper-wear box of every dress photo \
            (→ dress). Each crop is embedded as a look's crop is (the embedder options below) and searches the \
            catalog (class subfolders of product photos, embedded as the catalog stages do); the queries' classes \
            are the catalog's folder names. Prints precision@1, precision@10, and precision@10 and the query count \
            per class, as JSON. --cutout person whitens what BlazePose's person mask does not cover, before the crop \
            is embedded; --cutout ground-truth whitens every pixel ccp's own mask (masks/ beside photos/) does not \
            label as the query's garment: what a perfect garment parser would give. --folds K cross-validates a \
            projection adapted to street crops (`shoplook train projection --street-crops`) against one trained on \
            the catalog alone, in one run.

            Without --folds it also scores the crops' names (the fine category a look or the catalog's embed stage \
            gives an article: t-shirt, jeans, skirt, …) against the labels: a pants crop is named right as jeans or \
            trousers, shorts as shorts, a skirt as skirt, a dress photo's upper box as dress. `naming_accuracy` is \
            for the names the embedder gives (from its own logits, or a centre-crop pass where its framing needs one), \
            `naming_accuracy_reference` for the float model's centre-crop pass (the naming before issue 17).
            """)

    enum Cutout: String, ExpressibleByArgument, CaseIterable {
        /// The box as it is.
        case none
        /// Pixels outside the person mask (probability < 0.5) white.
        case person
        /// Pixels the data set's own mask does not label as the query's garment white (an upper bound).
        case groundTruth = "ground-truth"
    }

    @OptionGroup var vision: VisionOptions

    @Option(help: "ground-truth.json")
    var groundTruth: String

    @Option(help: "Catalog folder (class subfolders of JPEGs).")
    var catalog: String

    @Option(help: "none; person: whiten what is outside BlazePose's person mask; ground-truth: whiten what the data set's mask does not label as the garment.")
    var cutout: Cutout = .none

    @Option(help: "Cross-validate a projection adapted to street crops: with K ≥ 2, for each of K folds of the crops, train one on the catalog plus the other folds' crops and search with that fold's (and, in the same run, one trained on the catalog alone).")
    var folds: Int?

    func validate() throws {
        if let folds {
            guard (2...20).contains(folds) else { throw ValidationError("--folds must be 2-20") }
            guard cutout == .none else { throw ValidationError("--folds and --cutout do not go together") }
            guard vision.projection == nil || vision.projection == "none" else {
                throw ValidationError("--folds trains its own projections; leave --projection out")
            }
        }
    }

    func run() async throws {
        let street = try StreetCrops(groundTruth: groundTruth)
        if let folds {
            try await crossValidate(street, folds: folds)
            return
        }
        let maskLabels = try Self.maskLabels(groundTruth)
        if cutout == .groundTruth, maskLabels.isEmpty { throw ValidationError("\(groundTruth) lists no mask labels") }
        let embedder = try vision.embedder()
        let started = ContinuousClock.now
        let (catalogVectors, catalogLabels, failures) = try await LabelledFolder(path: catalog).embed(with: embedder)
        let estimator = cutout == .person ? try PoseEstimator(files: try vision.model.modelFiles(), includeMask: true) : nil
        let decoder = ImageDecoder()
        var rows: [Float] = []
        var unmasked = 0
        // Names: as the stages give them, and as the float model's separate centre-crop pass did before issue 17.
        let namer = embedder.namesCrops ? nil : try vision.categorizer()
        let reference = try ImageEmbedder(models: try vision.model.modelFiles(), framing: .centerCrop, precision: .float)
        var named: [(label: String, right: Bool, rightBefore: Bool)] = []
        for (index, query) in street.crops.enumerated() {
            let (photo, rect) = try street.photo(index, decoder: decoder)
            var crop = try photo.cropped(to: rect)
            if cutout == .groundTruth {
                let maskPath = street.masks.appendingPathComponent("\(query.name).png").path
                guard let maskBytes = FileManager.default.contents(atPath: maskPath) else { throw ValidationError("cannot read \(maskPath)") }
                let mask = try decoder.decode([UInt8](maskBytes))
                let keep = Set(StreetCrops.garmentLabels(of: query.label).compactMap { maskLabels.firstIndex(of: $0) })
                crop = try Self.whitened(crop) { x, y in
                    let px = rect.x + x, py = rect.y + y
                    return px < mask.width && py < mask.height && keep.contains(Int(mask.pixels[(py * mask.width + px) * 3]))
                }
            }
            if let estimator {
                if let mask = try estimator.estimate(photo).mask {
                    crop = try Self.whitened(crop) { x, y in
                        mask.probability(at: ImagePoint(x: Double(rect.x + x) + 0.5, y: Double(rect.y + y) + 0.5)) >= 0.5
                    }
                } else {
                    unmasked += 1
                }
            }
            // A cut-out is framed as a product photo is: trimmed to what is left of it.
            if cutout != .none { crop = crop.trimmedToForeground().image }
            let background = crop.foregroundTrim().background ?? RGBColor(r: 255, g: 255, b: 255)
            let embedding = try await embedder.embed([crop], paddings: [background])[0]
            rows += embedding.vector
            let logits = try await namer?.embed([crop])[0].logits ?? embedding.logits
            let referenceLogits = try await reference.embed([crop])[0].logits
            named.append((query.label, Self.namedRight(logits, label: query.label), Self.namedRight(referenceLogits, label: query.label)))
        }
        let metrics = RetrievalEvaluation.evaluate(
            catalog: catalogVectors, catalogLabels: catalogLabels,
            queries: Matrix(rows: street.crops.count, columns: embedder.dimension, values: rows),
            queryLabels: street.crops.map(\.label), group: { CategoryTaxonomy.superCategory(for: $0)?.rawValue })
        JSONLineWriter().write([
            "model": embedder.modelVersion, "cutout": cutout.rawValue, "catalog": metrics.catalog, "queries": metrics.queries,
            "queries_by_class": metrics.queriesByClass, "precision_at_1": metrics.precisionAt1, "precision_at_10": metrics.precisionAt10,
            "precision_at_10_by_class": metrics.precisionAt10ByClass, "catalog_failed": failures, "without_person_mask": unmasked,
            "seconds": Double((ContinuousClock.now - started).components.seconds),
            "naming_accuracy": Self.share(named.map(\.right)), "naming_accuracy_reference": Self.share(named.map(\.rightBefore)),
            "naming_accuracy_by_class": Dictionary(grouping: named, by: \.label).mapValues { Self.share($0.map(\.right)) },
            "naming_accuracy_by_class_reference": Dictionary(grouping: named, by: \.label).mapValues { Self.share($0.map(\.rightBefore)) },
        ])
    }

    /// The names that are right for a crop of each class (the catalog's class names; "trousers" is the plain name of
    /// lower wear, which a pants crop is).
    static let rightNames: [String: Set<String>] = ["pants": ["jeans", "trousers"], "shorts": ["shorts"], "skirt": ["skirt"], "dress": ["dress"]]

    /// Whether the name these logits give a crop of class `label` is right (a dress crop is upper wear, the others lower).
    static func namedRight(_ logits: [Float], label: String) -> Bool {
        let superCategory: SuperCategory = label == "dress" ? .upper : .lower
        return rightNames[label, default: []].contains(FineCategoryClassifier().classify(logits: logits, superCategory: superCategory).category)
    }

    static func share(_ flags: [Bool]) -> Double { flags.isEmpty ? 0 : Double(flags.filter { $0 }.count) / Double(flags.count) }

    /// K-fold: per fold, a projection trained on the catalog plus the other folds' crops (`adapted`) and one trained
    /// on the catalog alone (`catalog_only`, the same trainer and seed), each searched with the fold's crops; the
    /// figures pool every fold's queries, so each crop is scored by projections that never saw it.
    func crossValidate(_ street: StreetCrops, folds: Int) async throws {
        var plain = vision
        plain.projection = "none"
        let embedder = try plain.embedder()
        let started = ContinuousClock.now
        let folder = LabelledFolder(path: catalog)
        let (catalogFeatures, catalogLabels, failures) = try await folder.embed(with: embedder, features: true)
        let (catalogMirrored, mirroredLabels, _) = try await folder.embed(with: embedder, features: true, mirrored: true)
        guard catalogLabels == mirroredLabels else { throw ValidationError("the catalog changed while it was read") }
        let cropFeatures = try await street.features(with: embedder)
        let cropMirrored = try await street.features(with: embedder, mirrored: true)
        let cropLabels = street.crops.map(\.label)
        let classes = Array(Set(catalogLabels + cropLabels)).sorted()
        func indices(_ labels: [String]) -> [Int] { labels.map { classes.firstIndex(of: $0)! } }
        func rows(_ selection: [Int], of matrix: Matrix) -> Matrix {
            Matrix(rows: selection.count, columns: matrix.columns, values: selection.flatMap { matrix.row($0) })
        }
        var trainer = ProjectionTrainer()
        trainer.projectedDimension = 128
        let catalogOnly = trainer.train(
            features: catalogFeatures.appending(catalogMirrored), labels: indices(catalogLabels + catalogLabels),
            classCount: classes.count, blend: 0)
        var pooled: [String: [(query: Int, share: Double)]] = ["adapted": [], "catalog_only": []]
        var perFold: [[String: Any]] = []
        for fold in 0..<folds {
            let held = street.crops.indices.filter { $0 % folds == fold }
            let kept = street.crops.indices.filter { $0 % folds != fold }
            let adapted = trainer.train(
                features: catalogFeatures.appending(catalogMirrored).appending(rows(kept, of: cropFeatures)).appending(rows(kept, of: cropMirrored)),
                labels: indices(catalogLabels + catalogLabels + kept.map { cropLabels[$0] } + kept.map { cropLabels[$0] }),
                classCount: classes.count, blend: 0)
            var figures: [String: Any] = ["fold": fold, "queries": held.count, "street_crops_trained": kept.count]
            for (name, projection) in [("adapted", adapted), ("catalog_only", catalogOnly)] {
                let metrics = RetrievalEvaluation.evaluate(
                    catalog: projection.apply(catalogFeatures), catalogLabels: catalogLabels,
                    queries: projection.apply(rows(held, of: cropFeatures)), queryLabels: held.map { cropLabels[$0] },
                    group: { _ in nil }, perQuery: { query, share in pooled[name]!.append((held[query], share)) })
                figures["precision_at_10_\(name)"] = metrics.precisionAt10
            }
            perFold.append(figures)
        }
        var report: [String: Any] = [
            "model": embedder.modelVersion, "folds": folds, "catalog": catalogLabels.count, "queries": street.crops.count,
            "queries_by_class": Dictionary(grouping: cropLabels, by: { $0 }).mapValues(\.count), "catalog_failed": failures,
            "per_fold": perFold, "seconds": Double((ContinuousClock.now - started).components.seconds),
        ]
        for (name, shares) in pooled {
            report["precision_at_10_\(name)"] = shares.map(\.share).reduce(0, +) / Double(max(1, shares.count))
            report["precision_at_10_by_class_\(name)"] = Dictionary(grouping: shares, by: { cropLabels[$0.query] })
                .mapValues { $0.map(\.share).reduce(0, +) / Double($0.count) }
        }
        JSONLineWriter().write(report)
    }

    static func maskLabels(_ groundTruth: String) throws -> [String] {
        guard let data = FileManager.default.contents(atPath: groundTruth) else { throw ValidationError("cannot read \(groundTruth)") }
        return (try? JSONDecoder().decode(MaskLabels.self, from: data))?.labels ?? []
    }

    /// `crop` with every pixel `keep` refuses set to white.
    static func whitened(_ crop: RGBImage, keep: (_ x: Int, _ y: Int) -> Bool) throws -> RGBImage {
        var pixels = crop.pixels
        for y in 0..<crop.height {
            for x in 0..<crop.width where !keep(x, y) {
                let index = (y * crop.width + x) * 3
                pixels[index] = 255
                pixels[index + 1] = 255
                pixels[index + 2] = 255
            }
        }
        return try RGBImage(width: crop.width, height: crop.height, pixels: pixels)
    }
}

/// The label list of ccp's ground truth: a mask pixel's value is an index into it.
private struct MaskLabels: Decodable {
    var labels: [String]
}
