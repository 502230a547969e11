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

/// The models' own compute for catalog photos, one image after the other on one thread: the baseline the
/// pipeline's throughput is compared with (`Benchmarks/run-pipeline-bench`).
struct BenchModelsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "Time the models' work per catalog photo (pose, article naming, embedding) and print JSON.",
        discussion: """
            Per photo, as the pipeline does it: BlazePose with the person mask (pose stage); for a full-body frontal \
            shot the article regions, cropped and named by the centre-crop embedder (detect stage); for a photo \
            without a person the trimmed foreground (its category comes from the catalog); then every article \
            embedded (embed stage). Timed: the model calls with their own pre- and post-processing; not timed: \
            reading and decoding files, cropping. Photos with other verdicts count their pose time only.
            """)

    @OptionGroup var vision: VisionOptions

    @Argument(help: "JPEG or PNG files.")
    var files: [String]

    func run() async throws {
        // One thread in all: the embedding projection too (OpenBLAS's pool would spin on the other cores).
        BLAS.threadCount = 1
        let modelFiles = try vision.model.modelFiles()
        let estimator = try PoseEstimator(files: modelFiles, includeMask: true)
        let categorizer = try ImageEmbedder(models: modelFiles, framing: .centerCrop)
        let embedder = try vision.embedder()
        let rules = PoseVerdictRules()
        let locator = ArticleLocator()
        let decoder = ImageDecoder()
        var pose = 0.0, naming = 0.0, embedding = 0.0
        var images = 0, articles = 0, verdicts: [String: Int] = [:]
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
            let result = try await timed(&pose) { try estimator.estimate(image) }
            let verdict = rules.verdict(result)
            verdicts[verdict.rawValue, default: 0] += 1
            var crops: [RGBImage] = []
            switch verdict {
            case .fullFront:
                let regions = locator.locate(result, image: image)
                crops = try regions.compactMap { region in
                    try ArticleCropper.pixelRect(of: region.box, in: image).map { try image.cropped(to: $0) }
                }
                _ = try await timed(&naming) { try await categorizer.embed(crops) }
            case .noPerson:
                crops = [image.trimmedToForeground().image]
            case .fullBack, .fullSide, .partial:
                continue
            }
            articles += crops.count
            _ = try await timed(&embedding) { try await embedder.embed(crops) }
        }
        guard images > 0 else { throw ValidationError("no photos given") }
        let perImage = { (seconds: Double) in 1000 * seconds / Double(images) }
        JSONLineWriter().write([
            "images": images, "articles": articles, "verdicts": verdicts.mapValues { $0 as Any },
            "pose_ms_per_image": perImage(pose), "naming_ms_per_image": perImage(naming), "embed_ms_per_image": perImage(embedding),
            "model_ms_per_image": perImage(pose + naming + embedding), "model_seconds": pose + naming + embedding,
            "embedder": embedder.modelVersion,
        ])
    }
}
