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
            label as the query's garment: what a perfect garment parser would give. --folds K cross-validates the \
            street projection (`shoplook train projection --adapt`: a look's crops through it, the catalog through \
            --projection, by default the committed one) against that projection alone and against one projection \
            for catalog and crops trained on the catalog and the crops, in one run; it also scores footwear, \
            outerwear and tops crops.

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

    @Option(help: "Cross-validate the street projection: with K ≥ 2, for each of K folds of the crops, adapt one from the catalog's projection on the catalog plus the other folds' crops and search with that fold's.")
    var folds: Int?

    func validate() throws {
        if let folds {
            guard (2...20).contains(folds) else { throw ValidationError("--folds must be 2-20") }
            guard cutout == .none else { throw ValidationError("--folds and --cutout do not go together") }
            guard vision.projection != "none" else {
                throw ValidationError("--folds adapts a street projection from the catalog's projection (--projection, default the committed one); it cannot be none")
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

    /// K-fold over the crops (crop `i` of each list in fold `i % K`): per fold, a street projection adapted from the
    /// catalog's projection (`street_projection`: `--projection`, by default the committed one, keeps embedding the
    /// catalog; only the crops go through the adapted one) on the catalog and the other folds' crops of the four
    /// classes, footwear and outerwear (``StreetCrops/extraCrops``), and, for comparison, one projection for catalog and
    /// crops alike trained on the catalog and the other folds' crops of the four classes (`adapted`, the street
    /// projection before 2026-12-05), beside the catalog's projection as it is (`base`). Each is searched with the
    /// fold's crops; the figures pool every fold's queries, so each crop is scored by projections that never saw it.
    /// The tops crops (``StreetCrops/topsCrops``, which nothing trains on) show what each does to upper wear.
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
        let extras = street.extraCrops
        let extraFeatures = try await street.features(with: embedder, of: extras)
        let classes = Array(Set(catalogLabels + cropLabels + extras.map(\.label))).sorted()
        func indices(_ labels: [String]) -> [Int] { labels.map { classes.firstIndex(of: $0)! } }
        func rows(_ selection: [Int], of matrix: Matrix) -> Matrix {
            Matrix(rows: selection.count, columns: matrix.columns, values: selection.flatMap { matrix.row($0) })
        }
        var trainer = ProjectionTrainer()
        trainer.projectedDimension = 128
        // The street projection's base: the catalog's projection as the embed stage has it.
        let base = try vision.projectionToAdapt(featureDimension: embedder.featureDimension)
        let proxies = ProjectionTrainer.classMeans(
            base.apply(catalogFeatures.appending(catalogMirrored)), labels: indices(catalogLabels + catalogLabels), classCount: classes.count)
        let baseCatalog = base.apply(catalogFeatures)
        let tops = street.topsCrops
        let topsFeatures = try await street.features(with: embedder, of: tops)
        let extraMirrored = try await street.features(with: embedder, mirrored: true, of: extras)
        let extraLabels = extras.map(\.label)
        let variants = ["base", "adapted", "street_projection"]
        var pooled = Dictionary(uniqueKeysWithValues: variants.map { ($0, [(query: Int, share: Double)]()) })
        var pooledExtras = pooled
        var pooledTops = pooled
        var perFold: [[String: Any]] = []
        for fold in 0..<folds {
            let held = street.crops.indices.filter { $0 % folds == fold }
            let kept = street.crops.indices.filter { $0 % folds != fold }
            let heldExtras = extras.indices.filter { $0 % folds == fold }
            let keptExtras = extras.indices.filter { $0 % folds != fold }
            let heldTops = tops.indices.filter { $0 % folds == fold }
            let trainingFeatures = catalogFeatures.appending(catalogMirrored).appending(rows(kept, of: cropFeatures)).appending(rows(kept, of: cropMirrored))
            let trainingLabels = indices(catalogLabels + catalogLabels + kept.map { cropLabels[$0] } + kept.map { cropLabels[$0] })
            let adapted = trainer.train(features: trainingFeatures, labels: trainingLabels, classCount: classes.count, blend: 0)
            // The street projection learns every labelled crop of the other folds: the four classes, footwear and outerwear.
            let streetProjection = trainer.adapt(
                base, features: trainingFeatures.appending(rows(keptExtras, of: extraFeatures)).appending(rows(keptExtras, of: extraMirrored)),
                labels: trainingLabels + indices(keptExtras.map { extraLabels[$0] } + keptExtras.map { extraLabels[$0] }), proxies: proxies)
            var figures: [String: Any] = ["fold": fold, "queries": held.count, "street_crops_trained": kept.count]
            // (what the crops go through, the catalog's vectors)
            let searches: [(String, LinearProjection, Matrix)] = [
                ("base", base, baseCatalog), ("adapted", adapted, adapted.apply(catalogFeatures)),
                ("street_projection", streetProjection, baseCatalog),
            ]
            for (name, queries, catalogVectors) in searches {
                let metrics = RetrievalEvaluation.evaluate(
                    catalog: catalogVectors, catalogLabels: catalogLabels,
                    queries: queries.apply(rows(held, of: cropFeatures)), queryLabels: held.map { cropLabels[$0] },
                    group: { _ in nil }, perQuery: { query, share in pooled[name]!.append((held[query], share)) })
                figures["precision_at_10_\(name)"] = metrics.precisionAt10
                _ = RetrievalEvaluation.evaluate(
                    catalog: catalogVectors, catalogLabels: catalogLabels,
                    queries: queries.apply(rows(heldExtras, of: extraFeatures)), queryLabels: heldExtras.map { extraLabels[$0] },
                    group: { _ in nil }, perQuery: { query, share in pooledExtras[name]!.append((heldExtras[query], share)) })
                // A tops crop's share of tops among the nearest: the catalog's tops classes relabelled `tops`.
                _ = RetrievalEvaluation.evaluate(
                    catalog: catalogVectors, catalogLabels: catalogLabels.map { StreetCrops.topsClasses.contains($0) ? "tops" : $0 },
                    queries: queries.apply(rows(heldTops, of: topsFeatures)), queryLabels: heldTops.map { tops[$0].label },
                    group: { _ in nil }, perQuery: { query, share in pooledTops[name]!.append((heldTops[query], share)) })
            }
            perFold.append(figures)
        }
        var report: [String: Any] = [
            "model": embedder.modelVersion, "folds": folds, "catalog": catalogLabels.count, "queries": street.crops.count,
            "queries_by_class": Dictionary(grouping: cropLabels, by: { $0 }).mapValues(\.count), "catalog_failed": failures,
            "extra_queries_by_class": Dictionary(grouping: extraLabels, by: { $0 }).mapValues(\.count), "tops_queries": tops.count,
            "base_projection": base.contentID, "per_fold": perFold, "seconds": Double((ContinuousClock.now - started).components.seconds),
        ]
        func mean(_ shares: [(query: Int, share: Double)]) -> Double { shares.map(\.share).reduce(0, +) / Double(max(1, shares.count)) }
        for name in variants {
            report["precision_at_10_\(name)"] = mean(pooled[name]!)
            report["precision_at_10_by_class_\(name)"] = Dictionary(grouping: pooled[name]!, by: { cropLabels[$0.query] }).mapValues(mean)
            report["extra_precision_at_10_by_class_\(name)"] = Dictionary(grouping: pooledExtras[name]!, by: { extraLabels[$0.query] }).mapValues(mean)
            report["tops_share_at_10_\(name)"] = mean(pooledTops[name]!)
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
