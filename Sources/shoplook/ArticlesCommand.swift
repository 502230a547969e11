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
            other verdicts give none. A bad file prints {"file", "error"} and the command goes on. The boxes come from \
            the garment parser when it is trained (`shoplook train parser`), else from the pose landmarks \
            (--article-boxes chooses).
            """)

    @OptionGroup var model: ModelOptions

    @Option(help: "EfficientNet-Lite0 in int8 or float, to name the articles.")
    var precision: ModelPrecision = .int8

    @Option(help: "Article boxes: auto (the garment parser when trained, else pose-guided), parser or pose.")
    var articleBoxes: ArticleBoxChoice = .automatic

    @Argument(help: "JPEG or PNG files.")
    var files: [String]

    func run() async throws {
        let modelFiles = try model.modelFiles()
        let estimator = try PoseEstimator(files: modelFiles, includeMask: true)
        let embedder = try ImageEmbedder(models: modelFiles, framing: .centerCrop, precision: precision)
        let rules = PoseVerdictRules()
        let locator = try ArticleBoxes(files: modelFiles, choice: articleBoxes)
        if let fallback = locator.fallbackReason {
            FileHandle.standardError.write(Data("shoplook articles: pose-guided boxes (\(fallback))\n".utf8))
        }
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
            --split even|odd keeps the photos with even or odd numbers (the locator's offsets were fitted on even). \
            --parser-folds K cross-validates the garment parser (`shoplook train parser`) beside the pose-guided \
            locator in one run: photo i is in fold i mod K (by name), each fold's photos get boxes from a parser \
            trained on the other folds, never from one that saw them.
            """)

    @OptionGroup var model: ModelOptions

    @Option(help: "ground-truth.json")
    var groundTruth: String

    @Option(help: "all, even or odd photo numbers.")
    var split = "all"

    @Option(help: "Cross-validate the garment parser with K folds beside the pose-guided locator (0: the locator only).")
    var parserFolds = 0

    @Option(help: "Hidden units of the parser's cell classifier (with --parser-folds).")
    var hidden = 64

    @Option(help: "Training epochs of the parser (with --parser-folds).")
    var epochs = 6

    @Option(help: "With --parser-folds: write each photo's held-out boxes (parsed, pose-guided, expected) here, one JSON line each.")
    var boxesOut: String?

    func validate() throws {
        guard ["all", "even", "odd"].contains(split) else { throw ValidationError("--split must be all, even or odd") }
        guard parserFolds == 0 || (2...20).contains(parserFolds) else { throw ValidationError("--parser-folds must be 0 or 2…20") }
        guard parserFolds == 0 || split == "all" else { throw ValidationError("--parser-folds uses every photo (no --split)") }
    }

    func run() throws {
        let url = URL(fileURLWithPath: groundTruth)
        guard let data = FileManager.default.contents(atPath: url.path) else { throw ValidationError("cannot read \(groundTruth)") }
        let truth = try JSONDecoder().decode(ArticleGroundTruth.self, from: data)
        if parserFolds > 0 {
            try crossValidateParser(directory: url.deletingLastPathComponent(), truth: truth)
            return
        }
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

extension EvalArticlesCommand {
    /// The parser K-fold beside the pose-guided locator, on the same photos and poses.
    func crossValidateParser(directory: URL, truth: ArticleGroundTruth) throws {
        let started = ContinuousClock.now
        let set = try GarmentTrainingSet.load(directory: directory, files: try model.modelFiles())
        let read = ContinuousClock.now
        var trainer = GarmentClassifierTrainer()
        trainer.hiddenCount = hidden
        trainer.epochs = epochs
        let cells = ParserFrame.cellCount, classes = GarmentClass.allCases.count, inputs = GarmentParser.inputCount
        var parser = ArticleEvaluation(), poseGuided = ArticleEvaluation()
        var heldOutProbabilities = [Float](repeating: 0, count: set.targets.count)
        var perArticle: [String: ArticleEvaluation] = [:]
        var boxLines: [[String: Any]] = []
        func json(_ regions: [ArticleRegion]) -> [String: [Double]] {
            regions.reduce(into: [:]) { $0[$1.superCategory.rawValue] = [$1.box.x0, $1.box.y0, $1.box.x1, $1.box.y1] }
        }
        let regions = GarmentRegions()
        for fold in 0..<parserFolds {
            let training = set.photos.indices.filter { $0 % parserFolds != fold }.flatMap { ($0 * cells)..<(($0 + 1) * cells) }
            let classifier = trainer.train(
                features: set.features, targets: set.targets, inputCount: inputs, rows: training, backboneVersion: set.backboneVersion)
            for index in set.photos.indices where index % parserFolds == fold {
                let photo = set.photos[index]
                let probabilities = classifier.probabilities(
                    Array(set.features[(index * cells * inputs)..<((index + 1) * cells * inputs)]), rows: cells)
                heldOutProbabilities.replaceSubrange((index * cells * classes)..<((index + 1) * cells * classes), with: probabilities)
                let found = photo.verdict == .fullFront
                    ? regions.regions(probabilities: probabilities, frame: photo.frame, width: photo.width, height: photo.height) : []
                if boxesOut != nil {
                    boxLines.append([
                        "image": photo.name, "fold": fold, "verdict": photo.verdict.rawValue, "width": photo.width, "height": photo.height,
                        "torso": photo.frame.torso, "frame": [photo.frame.box.x0, photo.frame.box.y0, photo.frame.box.x1, photo.frame.box.y1],
                        "parsed": json(found), "pose_guided": json(photo.poseGuided),
                        "expected": photo.expected.reduce(into: [String: [Double]]()) { $0[$1.key.rawValue] = [$1.value.x0, $1.value.y0, $1.value.x1, $1.value.y1] },
                    ])
                }
                // What ships: the parser's articles, upper wear and footwear averaged with the locator's boxes (GarmentRegions.fused).
                let fused = GarmentRegions.fused(parsed: found, guided: photo.poseGuided)
                parser.add(predicted: fused.map { ($0.superCategory, $0.box) }, expected: photo.expected)
                // Per article: the parser's own box, the pose-guided one, or what ships ("fused": their mean for upper
                // wear and footwear, the parser's own for lower wear), wherever the parser finds the article.
                for category in SuperCategory.allCases {
                    let expected = photo.expected[category].map { [category: $0] } ?? [:]
                    let parsed = found.first { $0.superCategory == category }?.box
                    let guided = photo.poseGuided.first { $0.superCategory == category }?.box
                    let shipped = fused.first { $0.superCategory == category }?.box
                    for (name, box) in [("parsed", parsed), ("pose", parsed == nil ? nil : guided), ("fused", shipped)] {
                        perArticle["\(category.rawValue)/\(name)", default: ArticleEvaluation()].add(
                            predicted: box.map { [(category, $0)] } ?? [], expected: expected)
                    }
                }
                poseGuided.add(
                    predicted: photo.verdict == .fullFront ? photo.poseGuided.map { ($0.superCategory, $0.box) } : [], expected: photo.expected)
            }
        }
        // Photos without a person get no boxes from either.
        for skipped in set.skipped {
            guard let name = skipped["image"], let image = truth.images[name] else { continue }
            let expected = image.boxes.compactMapKeys(SuperCategory.init(rawValue:))
            parser.add(predicted: [], expected: expected)
            poseGuided.add(predicted: [], expected: expected)
        }
        if let boxesOut {
            let lines = try boxLines.map { String(decoding: try JSONSerialization.data(withJSONObject: $0, options: [.sortedKeys]), as: UTF8.self) }
            try (lines.joined(separator: "\n") + "\n").write(toFile: boxesOut, atomically: true, encoding: .utf8)
        }
        func summary(_ evaluation: ArticleEvaluation) -> [String: Any] {
            var report: [String: Any] = ["images": evaluation.images, "predicted": evaluation.predicted, "unmatched_share": evaluation.unmatchedShare]
            for superCategory in SuperCategory.allCases {
                report["recall_\(superCategory.rawValue)"] = evaluation.recall(superCategory)
                report["mean_iou_\(superCategory.rawValue)"] = evaluation.meanIoU(superCategory)
            }
            return report
        }
        JSONLineWriter().write([
            "folds": parserFolds, "photos": set.photos.count, "skipped": set.skipped, "hidden": hidden, "epochs": epochs,
            "held_out_cell_accuracy": ParserCellAccuracy.accuracy(probabilities: heldOutProbabilities, targets: set.targets),
            "parser": summary(parser), "pose_guided": summary(poseGuided),
            "per_article": perArticle.mapValues { evaluation -> [String: Any] in
                let category = SuperCategory.allCases.first { evaluation.expected[$0] != nil } ?? .upper
                return ["recall": evaluation.recall(category), "predicted": evaluation.predicted, "unmatched": evaluation.unmatched]
            },
            "read_seconds": (read - started).seconds, "seconds": (ContinuousClock.now - started).seconds,
        ])
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

extension ArticleBoxChoice: ExpressibleByArgument {}
