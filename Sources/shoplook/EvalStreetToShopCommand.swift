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
            label as the query's garment: what a perfect garment parser would give.
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

    /// The catalog class a photo's lower-wear labels name, when they name exactly one.
    static func lowerClass(of labels: [String]) -> String? {
        let classes = Set(labels.compactMap { label -> String? in
            switch label {
            case "jeans", "pants", "leggings": "pants"
            case "shorts": "shorts"
            case "skirt": "skirt"
            default: nil
            }
        })
        return classes.count == 1 ? classes.first : nil
    }

    /// The labels of the query's garment in ccp's masks.
    static func garmentLabels(of label: String) -> Set<String> {
        switch label {
        case "pants": ["jeans", "pants", "leggings"]
        case "dress": ["dress"]
        default: [label]
        }
    }

    func run() async throws {
        let url = URL(fileURLWithPath: groundTruth)
        guard let data = FileManager.default.contents(atPath: url.path) else { throw ValidationError("cannot read \(groundTruth)") }
        let truth = try JSONDecoder().decode(ArticleGroundTruth.self, from: data)
        let maskLabels = (try? JSONDecoder().decode(MaskLabels.self, from: data))?.labels ?? []
        if cutout == .groundTruth, maskLabels.isEmpty { throw ValidationError("\(groundTruth) lists no mask labels") }
        let photos = url.deletingLastPathComponent().appendingPathComponent("photos")
        var queries: [(name: String, box: BoundingBox, label: String)] = []
        for name in truth.images.keys.sorted() {
            let image = truth.images[name]!
            if image.dress, let box = image.boxes["upper"] {
                queries.append((name, box, "dress"))
            } else if !image.dress, let label = Self.lowerClass(of: image.labels), let box = image.boxes["lower"] {
                queries.append((name, box, label))
            }
        }
        guard !queries.isEmpty else { throw ValidationError("\(groundTruth) has no photo with one kind of lower wear or a dress") }

        let embedder = try vision.embedder()
        let started = ContinuousClock.now
        let (catalogVectors, catalogLabels, failures) = try await LabelledFolder(path: catalog).embed(with: embedder)
        let estimator = cutout == .person ? try PoseEstimator(files: try vision.model.modelFiles(), includeMask: true) : nil
        let decoder = ImageDecoder()
        var rows: [Float] = []
        var labels: [String] = []
        var unmasked = 0
        for query in queries {
            let path = photos.appendingPathComponent(query.name + ".jpg").path
            guard let bytes = FileManager.default.contents(atPath: path) else { throw ValidationError("cannot read \(path)") }
            let photo = try decoder.decode([UInt8](bytes))
            let rect = PixelRect(
                x: max(0, Int(query.box.x0)), y: max(0, Int(query.box.y0)),
                width: min(photo.width, Int(query.box.x1)) - max(0, Int(query.box.x0)),
                height: min(photo.height, Int(query.box.y1)) - max(0, Int(query.box.y0)))
            var crop = try photo.cropped(to: rect)
            if cutout == .groundTruth {
                let maskPath = url.deletingLastPathComponent().appendingPathComponent("masks/\(query.name).png").path
                guard let maskBytes = FileManager.default.contents(atPath: maskPath) else { throw ValidationError("cannot read \(maskPath)") }
                let mask = try decoder.decode([UInt8](maskBytes))
                let keep = Set(Self.garmentLabels(of: query.label).compactMap { maskLabels.firstIndex(of: $0) })
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
            rows += try await embedder.embed([crop], paddings: [background])[0].vector
            labels.append(query.label)
        }
        let metrics = RetrievalEvaluation.evaluate(
            catalog: catalogVectors, catalogLabels: catalogLabels, queries: Matrix(rows: labels.count, columns: embedder.dimension, values: rows),
            queryLabels: labels, group: { CategoryTaxonomy.superCategory(for: $0)?.rawValue })
        JSONLineWriter().write([
            "model": embedder.modelVersion, "cutout": cutout.rawValue, "catalog": metrics.catalog, "queries": metrics.queries,
            "queries_by_class": metrics.queriesByClass, "precision_at_1": metrics.precisionAt1, "precision_at_10": metrics.precisionAt10,
            "precision_at_10_by_class": metrics.precisionAt10ByClass, "catalog_failed": failures, "without_person_mask": unmasked,
            "seconds": Double((ContinuousClock.now - started).components.seconds),
        ])
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
