import ArgumentParser
import Foundation
import ShopLookCommandSupport
import ShopLookModelOptions
import ShopLookCore
import ShopLookImaging
import ShopLookPipeline
import ShopLookPose
import ShopLookRuntimes
import ShopLookVision

struct ArticlesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "articles",
        abstract: "The articles a photo shows (upper, lower and foot wear), one JSON object per line.",
        discussion: """
            Prints {"file", "verdict", "articles": [{"super_category", "category", "box": [x0, y0, x1, y1], "score"}]}, \
            boxes in pixels of the image as displayed (after EXIF orientation). A full-body frontal shot gives one \
            article per garment worn; a photo without a person is a product photo: one article, the image trimmed \
            to its foreground, named from the model's ImageNet classes (none when no garment class is probable); \
            other verdicts give none. A bad file prints {"file", "error"} and the command goes on.
            """)

    @OptionGroup var model: ModelOptions

    @Option(help: "EfficientNet-Lite0 in int8 or float, to name the articles.")
    var precision: ModelPrecision = .int8

    @Argument(help: "JPEG or PNG files.")
    var files: [String]

    func run() async throws {
        let modelFiles = try model.modelFiles()
        let estimator = try PoseEstimator(files: modelFiles, includeMask: true)
        let embedder = try ImageEmbedder(models: modelFiles, framing: .centerCrop, precision: precision)
        let rules = PoseVerdictRules()
        let locator = ArticleLocator()
        let cropper = ArticleCropper()
        let output = JSONLineWriter()
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else {
                output.write(["file": file, "error": "cannot read the file"])
                continue
            }
            do {
                let image = try ImageDecoder().decode([UInt8](data))
                let result = try estimator.estimate(image)
                let verdict = rules.verdict(result)
                var articles: [[String: Any]] = []
                switch verdict {
                case .fullFront:
                    let found = try await cropper.articles(in: image, regions: locator.locate(result, image: image), embedder: embedder)
                    articles = found.map { Self.json($0.superCategory, $0.category, $0.box, $0.score) }
                case .noPerson:
                    if let found = try await cropper.productArticle(in: image, superCategory: nil, category: nil, embedder: embedder) {
                        articles = [Self.json(found.superCategory, found.category, found.box, found.score)]
                    }
                case .fullBack, .fullSide, .partial:
                    break
                }
                output.write(["file": file, "verdict": verdict.rawValue, "articles": articles])
            } catch {
                output.write(["file": file, "error": "\(error)"])
            }
        }
    }

    static func json(_ superCategory: SuperCategory, _ category: String, _ box: BoundingBox, _ score: Double) -> [String: Any] {
        ["super_category": superCategory.rawValue, "category": category, "box": [box.x0, box.y0, box.x1, box.y1], "score": score]
    }
}

struct EvalArticlesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "articles",
        abstract: "Article localisation against ground-truth boxes (ccp's ground-truth.json; photos in photos/ beside it).",
        discussion: """
            Every photo goes through the pose verdict and the article locator. A ground-truth box counts as found when \
            the predicted box of its super-category overlaps it with IoU ≥ 0.5; a predicted box without such a match \
            is unmatched. Prints recall per super-category, the unmatched share, mean IoU and counts as JSON. \
            --split even|odd keeps the photos with even or odd numbers (the locator's offsets were fitted on even).
            """)

    @OptionGroup var model: ModelOptions

    @Option(help: "ground-truth.json")
    var groundTruth: String

    @Option(help: "all, even or odd photo numbers.")
    var split = "all"

    func validate() throws {
        guard ["all", "even", "odd"].contains(split) else { throw ValidationError("--split must be all, even or odd") }
    }

    func run() throws {
        let url = URL(fileURLWithPath: groundTruth)
        guard let data = FileManager.default.contents(atPath: url.path) else { throw ValidationError("cannot read \(groundTruth)") }
        let truth = try JSONDecoder().decode(ArticleGroundTruth.self, from: data)
        let photos = url.deletingLastPathComponent().appendingPathComponent("photos")
        let modelFiles = try model.modelFiles()
        let estimator = try PoseEstimator(files: modelFiles, includeMask: true)
        let rules = PoseVerdictRules()
        let locator = ArticleLocator()
        var evaluation = ArticleEvaluation()
        var failures: [[String: String]] = []
        for name in truth.images.keys.sorted() {
            if split != "all", let number = Int(name), (number % 2 == 0) != (split == "even") { continue }
            let expected = truth.images[name]!.boxes.compactMapKeys(SuperCategory.init(rawValue:))
            do {
                let path = photos.appendingPathComponent(name + ".jpg").path
                guard let bytes = FileManager.default.contents(atPath: path) else { throw ValidationError("cannot read \(path)") }
                let image = try estimator.decode([UInt8](bytes))
                let result = try estimator.estimate(image)
                let regions = rules.verdict(result) == .fullFront ? locator.locate(result, image: image) : []
                evaluation.add(predicted: regions.map { ($0.superCategory, $0.box) }, expected: expected)
            } catch {
                failures.append(["image": name, "error": "\(error)"])
            }
        }
        var report: [String: Any] = [
            "images": evaluation.images, "failed": failures.count, "failures": failures, "predicted": evaluation.predicted,
            "unmatched_share": evaluation.unmatchedShare, "split": split,
        ]
        for superCategory in SuperCategory.allCases {
            report["recall_\(superCategory.rawValue)"] = evaluation.recall(superCategory)
            report["mean_iou_\(superCategory.rawValue)"] = evaluation.meanIoU(superCategory)
            report["ground_truth_\(superCategory.rawValue)"] = evaluation.expected[superCategory, default: 0]
        }
        JSONLineWriter().write(report)
    }
}

/// `ccp/ground-truth.json`: per image, one box per super-category.
struct ArticleGroundTruth: Decodable {
    struct Image: Decodable {
        var boxes: [String: BoundingBox]
        /// The garment and other labels of the photo's pixel mask.
        var labels: [String]
        /// The upper-wear box is a dress.
        var dress: Bool
    }
    var images: [String: Image]
}

extension Dictionary {
    fileprivate func compactMapKeys<T: Hashable>(_ transform: (Key) -> T?) -> [T: Value] {
        var result: [T: Value] = [:]
        for (key, value) in self { if let mapped = transform(key) { result[mapped] = value } }
        return result
    }
}
