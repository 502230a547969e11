import ArgumentParser
import ShopLookBLAS
import Foundation
import ShopLookCommandSupport
import ShopLookModelOptions
import ShopLookCore
import ShopLookImaging
import ShopLookPipeline
import ShopLookPose
import ShopLookRuntimes
import ShopLookVision

/// How the models' work on a catalog photo is arranged, for `shoplook bench models`.
enum ModelConfiguration: String, ExpressibleByArgument, CaseIterable {
    /// Before issue 17 (`shoplook-detect-worker --naming detect --precision float`, `shoplook-embed-worker
    /// --precision float`): the float model; the detect stage names the crops in a separate centre-crop pass, the
    /// embed stage embeds them (multi-view).
    case reference
    /// The float model, the crops named from the embedder's own centre-crop view: one pass per view and crop.
    case onePass = "one-pass"
    /// What the catalog stages and looks run by default: the int8 model, one banded pass per crop, the crops named
    /// from it.
    case int8

    var precision: ModelPrecision { self == .int8 ? .int8 : .float }
}

/// The models' own compute for catalog photos, one image after the other on one thread: the baseline the
/// pipeline's throughput is compared with (`Benchmarks/run-pipeline-bench`), with the configurations of issue 17
/// timed side by side on the same photos.
struct BenchModelsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "Time the models' work per catalog photo (pose, article naming, embedding) and print JSON.",
        discussion: """
            Per photo, as the pipeline does it: BlazePose with the person mask (pose stage); for a full-body frontal \
            shot the article regions, cropped and named (detect stage); for a photo without a person the trimmed \
            foreground (its category comes from the catalog); then every article embedded (embed stage). Timed: the \
            model calls with their own pre- and post-processing; not timed: reading and decoding files, cropping. \
            Photos with other verdicts count their pose time only. The article boxes are timed apart (`boxes`): the \
            pose-guided locator for `reference` (the stages before issues 16 and 17), and for the others what the pose \
            stage runs now (`article_boxes`: the garment parser when it is trained, else the locator).

            Each configuration (--configuration, repeatable; default all) runs on every photo, one after the other \
            photo by photo (each photo starting with the next one, so that none is always the first to touch a \
            photo's memory), so that all see the same machine: `reference` (the float model, multi-view, the crops \
            named in a separate centre-crop pass: the catalog stages before issue 17), `one-pass` (the float model, \
            multi-view, the crops named from the embedder's own centre-crop view) and `int8` (the int8 model, one \
            banded pass per crop, named from it: what the catalog stages run by default). The float configurations \
            always run with the committed multi-view projection; --framing and --projection apply to `int8` only, \
            and --precision to none (each configuration has its own). \
            Prints, per configuration, its times, and at the top `reference_model_ms_per_image`, \
            `model_ms_per_image` (the last configuration given), `model_speedup` (reference ÷ that), \
            `naming_agreement` (the share of articles the first and the last configuration name alike) and \
            `model_seconds` of the configuration the catalog stages run (`fleet_configuration`).
            """)

    @OptionGroup var vision: VisionOptions

    @Option(name: .customLong("configuration"), help: "reference, one-pass or int8 (repeatable; default all three, in that order).")
    var configurations: [ModelConfiguration] = ModelConfiguration.allCases

    @Argument(help: "JPEG or PNG files.")
    var files: [String]

    /// The configuration the catalog's stage executables run.
    static let fleetConfiguration = ModelConfiguration.int8

    /// One configuration's accumulated seconds.
    struct Times {
        var pose = 0.0, boxes = 0.0, naming = 0.0, embedding = 0.0
        var total: Double { pose + boxes + naming + embedding }
    }

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("no photos given") }
        guard Set(configurations).count == configurations.count else { throw ValidationError("a configuration given twice") }
    }

    func run() async throws {
        // One thread in all: the embedding projection too (OpenBLAS's pool would spin on the other cores).
        BLAS.threadCount = 1
        let modelFiles = try vision.model.modelFiles()
        let estimator = try PoseEstimator(files: modelFiles, includeMask: true)
        // Today's float configuration (before issue 17): multi-view, the committed projection, whatever else is given.
        var float = vision
        float.precision = .float
        float.framingChoice = .multiView
        float.projection = nil
        var int8 = vision
        int8.precision = .int8
        // One embedder per precision: `reference` and `one-pass` share the float one.
        var embedders: [ModelPrecision: ImageEmbedder] = [:]
        for precision in Set(configurations.map(\.precision)) {
            embedders[precision] = try precision == .int8 ? int8.embedder() : float.embedder()
        }
        let categorizer = try ImageEmbedder(models: modelFiles, framing: .centerCrop, precision: .float)
        if configurations.contains(.int8), !int8.framing.namesCrops {
            throw ValidationError("one-pass naming needs an embedder that names its crops (not --framing \(int8.framing.rawValue))")
        }
        let rules = PoseVerdictRules()
        let locator = ArticleLocator()
        let boxes = try ArticleBoxes(files: modelFiles)
        let cropper = ArticleCropper()
        let decoder = ImageDecoder()
        var times = [ModelConfiguration: Times]()
        var images = 0, articles = 0, verdicts: [String: Int] = [:]
        var named = 0, namedAlike = 0
        func timed<T>(_ seconds: inout Double, _ body: () async throws -> T) async rethrows -> T {
            let start = ContinuousClock.now
            let value = try await body()
            seconds += (ContinuousClock.now - start).seconds
            return value
        }
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else { throw ValidationError("cannot read \(file)") }
            let image = try decoder.decode([UInt8](data))
            images += 1
            var names: [ModelConfiguration: [String]] = [:]
            // Each photo starts with the next configuration: the first to see a photo pays for its cold caches.
            let start = (images - 1) % configurations.count
            for configuration in configurations[start...] + configurations[..<start] {
                var time = times[configuration] ?? Times()
                defer { times[configuration] = time }
                let embedder = embedders[configuration.precision]!
                let result = try await timed(&time.pose) { try estimator.estimate(image) }
                let verdict = rules.verdict(result)
                if configuration == configurations[start] { verdicts[verdict.rawValue, default: 0] += 1 }
                switch verdict {
                case .fullFront:
                    let regions = try await timed(&time.boxes) {
                        configuration == .reference ? locator.locate(result, image: image) : try boxes.locate(result, image: image)
                    }
                    let cuts = try cropper.cut(image, regions: regions)
                    let crops = cuts.map(\.crop)
                    switch configuration {
                    case .reference:
                        let logits = try await timed(&time.naming) { try await categorizer.embed(crops).map(\.logits) }
                        names[configuration] = zip(cuts, logits).map { cropper.named($0, logits: $1).category }
                        _ = try await timed(&time.embedding) { try await embedder.embed(crops) }
                    case .onePass, .int8:
                        let embeddings = try await timed(&time.embedding) { try await embedder.embed(crops) }
                        names[configuration] = await timed(&time.naming) {
                            zip(cuts, embeddings).map { cropper.named($0, logits: $1.logits).category }
                        }
                    }
                    if configuration == configurations[start] { articles += crops.count }
                case .noPerson:
                    let crops = [image.trimmedToForeground().image]
                    if configuration == configurations[start] { articles += 1 }
                    _ = try await timed(&time.embedding) { try await embedder.embed(crops) }
                case .fullBack, .fullSide, .partial:
                    break
                }
            }
            if configurations.count > 1, let first = names[configurations[0]], let last = names[configurations[configurations.count - 1]] {
                named += first.count
                namedAlike += zip(first, last).filter { $0 == $1 }.count
            }
        }
        let perImage = { (seconds: Double) in 1000 * seconds / Double(images) }
        var report: [String: Any] = [
            "images": images, "articles": articles, "verdicts": verdicts.mapValues { $0 as Any },
            "embedders": Dictionary(uniqueKeysWithValues: configurations.map { ($0.rawValue, embedders[$0.precision]!.modelVersion) }),
            "fleet_configuration": Self.fleetConfiguration.rawValue, "article_boxes": boxes.method,
        ]
        var perConfiguration: [String: Any] = [:]
        for configuration in configurations {
            let time = times[configuration] ?? Times()
            perConfiguration[configuration.rawValue] = [
                "pose_ms_per_image": perImage(time.pose), "boxes_ms_per_image": perImage(time.boxes), "naming_ms_per_image": perImage(time.naming),
                "embed_ms_per_image": perImage(time.embedding), "model_ms_per_image": perImage(time.total), "model_seconds": time.total,
            ]
        }
        report["configurations"] = perConfiguration
        let new = times[configurations[configurations.count - 1]] ?? Times()
        report["configuration"] = configurations[configurations.count - 1].rawValue
        report["model_ms_per_image"] = perImage(new.total)
        if let fleet = times[Self.fleetConfiguration] { report["model_seconds"] = fleet.total }
        if let reference = times[.reference] {
            report["reference_model_ms_per_image"] = perImage(reference.total)
            report["model_speedup"] = new.total > 0 ? reference.total / new.total : 0
        }
        if named > 0 { report["naming_agreement"] = Double(namedAlike) / Double(named) }
        JSONLineWriter().write(report)
    }
}
