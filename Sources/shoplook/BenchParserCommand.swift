import ArgumentParser
import Foundation
import ShopLookCommandSupport
import ShopLookBLAS
import ShopLookCore
import ShopLookImaging
import ShopLookModelOptions
import ShopLookPose

struct BenchParserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parser",
        abstract: "The garment parser's cost against the pose models' own, on the same photos, one thread, and print JSON.",
        discussion: """
            Photos are decoded once, before timing. Per photo and pass: BlazePose as the pose stage runs it (detector, \
            landmarks, person mask), then the garment parser on that pose (crop, backbone, cell classifier, boxes) \
            and the pose-guided locator. Prints per pass and the median of passes: milliseconds per photo of each, \
            and parser_to_pose (parser ÷ pose; the target is at most 0.5). Needs trained parser weights.
            """)

    @OptionGroup var model: ModelOptions

    @Argument(help: "JPEG or PNG files (people: photos without one are left out of the parser's time).")
    var files: [String]

    @Option(help: "Timed passes over all photos.")
    var passes = 3

    func validate() throws {
        guard (1...50).contains(passes) else { throw ValidationError("--passes must be 1…50") }
    }

    func run() throws {
        // One thread in all: the classifier's products too (OpenBLAS's pool would spin on the other core).
        BLAS.threadCount = 1
        let modelFiles = try model.modelFiles()
        let estimator = try PoseEstimator(files: modelFiles, includeMask: true)
        let parser = try GarmentParser(files: modelFiles, weights: modelFiles.garmentParserWeights)
        let locator = ArticleLocator()
        var images: [RGBImage] = []
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else { throw ValidationError("cannot read \(file)") }
            images.append(try ImageDecoder().decode([UInt8](data)))
        }
        // Untimed warm-up on the first photo.
        if let first = images.first { _ = try parser.locate(try estimator.estimate(first), image: first) }
        var runs: [[String: Double]] = []
        var people = 0
        for _ in 0..<passes {
            var pose = 0.0, parsing = 0.0, located = 0.0
            people = 0
            for image in images {
                let start = ContinuousClock.now
                let result = try estimator.estimate(image)
                let estimated = ContinuousClock.now
                pose += (estimated - start).seconds
                guard result.landmarks != nil else { continue }
                people += 1
                _ = try parser.locate(result, image: image)
                let parsed = ContinuousClock.now
                _ = locator.locate(result, image: image)
                parsing += (parsed - estimated).seconds
                located += (ContinuousClock.now - parsed).seconds
            }
            let poseMs = pose * 1000 / Double(max(images.count, 1))
            let parserMs = parsing * 1000 / Double(max(people, 1))
            runs.append([
                "pose_ms_per_image": poseMs, "parser_ms_per_image": parserMs,
                "locator_ms_per_image": located * 1000 / Double(max(people, 1)), "parser_to_pose": parserMs / poseMs,
            ])
        }
        func median(_ key: String) -> Double {
            let values = runs.compactMap { $0[key] }.sorted()
            return values.isEmpty ? 0 : values.count % 2 == 1 ? values[values.count / 2] : (values[values.count / 2 - 1] + values[values.count / 2]) / 2
        }
        JSONLineWriter().write([
            "images": images.count, "people": people, "passes": passes, "parser": parser.modelVersion,
            "pose_ms_per_image": median("pose_ms_per_image"), "parser_ms_per_image": median("parser_ms_per_image"),
            "locator_ms_per_image": median("locator_ms_per_image"), "parser_to_pose": median("parser_to_pose"),
            "runs": runs,
        ])
    }
}
