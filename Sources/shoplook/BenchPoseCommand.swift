import ArgumentParser
import Foundation
import ShopLookCommandSupport
import ShopLookModelOptions
import ShopLookCore
import ShopLookImaging
import ShopLookPose
import ShopLookRuntimes

struct BenchPoseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pose",
        abstract: "Time BlazePose per image (decode, detector, landmarks on the largest person) and print JSON.",
        discussion: """
            End to end: PoseEstimator.estimate(encoded:) on file bytes already in memory. Inference alone: after each \
            image, a second compiled instance of each model runs on the same input tensors (the letterboxed image, \
            the ROI crop the estimator used) and only run() is timed. Compare with Benchmarks/litert_pose_bench.py \
            (Benchmarks/run-pose-bench runs both).
            """)

    @OptionGroup var model: ModelOptions

    @Option(help: "Folder of JPEGs (*.jpg, *.jpeg).")
    var images: String

    @Option(help: "Timed passes over all images.")
    var passes = 1

    @Option(help: "Untimed images before timing.")
    var warmup = 5

    @Option(help: "XNNPACK threads per model.")
    var threads = 1

    func run() throws {
        let modelFiles = try model.modelFiles()
        let runtime = try LiteRtRuntime(libraryPath: try modelFiles.liteRtLibrary.path)
        let estimator = try PoseEstimator(runtime: runtime, files: modelFiles, threads: threads)
        let options = LiteRtCompiledModel.Options(threads: threads)
        let detector = try LiteRtCompiledModel(model: LiteRtModel(runtime: runtime, path: try modelFiles.poseDetector.path), options: options)
        let landmarker = try LiteRtCompiledModel(model: LiteRtModel(runtime: runtime, path: try modelFiles.poseLandmarks.path), options: options)

        let folder = URL(fileURLWithPath: images)
        let files = try FileManager.default.contentsOfDirectory(atPath: images)
            .filter { $0.lowercased().hasSuffix(".jpg") || $0.lowercased().hasSuffix(".jpeg") }.sorted()
        let blobs = try files.map { [UInt8](try Data(contentsOf: folder.appendingPathComponent($0))) }
        guard !blobs.isEmpty else { throw ValidationError("no JPEGs in \(images)") }

        for blob in blobs.prefix(warmup) { _ = try estimator.estimate(encoded: blob) }
        var total: [Double] = [], inference: [Double] = [], presences: [Double?] = []
        for _ in 0..<passes {
            for blob in blobs {
                let start = ContinuousClock.now
                let result = try estimator.estimate(encoded: blob)
                total.append((ContinuousClock.now - start).seconds * 1e3)
                presences.append(result.roi == nil ? nil : result.presenceScore)
                inference.append(try Self.inferenceMilliseconds(blob, result, estimator.decoder, detector, landmarker))
            }
        }
        let people = presences.prefix(blobs.count).compactMap { $0 }
        let other = zip(total, inference).map { $0 - $1 }
        JSONLineWriter().write([
            "runtime": "swift LiteRt CompiledModel (libLiteRt.so)", "threads": threads, "images": blobs.count,
            "images_with_person": people.count, "mean_presence": people.isEmpty ? 0 : people.reduce(0, +) / Double(people.count),
            "median_ms": Self.median(total), "median_inference_ms": Self.median(inference), "median_other_ms": Self.median(other),
        ])
    }

    /// The two run() calls alone, on the tensors the estimator built for this image.
    static func inferenceMilliseconds(
        _ blob: [UInt8], _ result: PoseResult, _ decoder: ImageDecoder,
        _ detector: LiteRtCompiledModel, _ landmarker: LiteRtCompiledModel
    ) throws -> Double {
        let image = try decoder.decode(blob)
        let side = PoseDetector.inputSide
        let letterboxed = try image.letterboxed(to: ImageSize(width: side, height: side), padding: .black)
        try fill(detector, letterboxed.image, .signedUnit)
        var elapsed = try timed { try detector.run() }
        if let roi = result.roi {
            let cropSide = PoseLandmarker.inputSide
            let crop = try image.warpAffine(roi.transform(outputSide: cropSide), outputSize: ImageSize(width: cropSide, height: cropSide), border: .black)
            try fill(landmarker, crop, .unit)
            elapsed += try timed { try landmarker.run() }
        }
        return elapsed.seconds * 1e3
    }

    static func fill(_ model: LiteRtCompiledModel, _ image: RGBImage, _ normalization: TensorNormalization) throws {
        try model.withInputBuffer(0) { (buffer) throws(RuntimeError) in
            do {
                try image.writeTensor(into: buffer, layout: .nhwc, normalization: normalization)
            } catch {
                throw .invalidArgument("writing the input tensor: \(error)")
            }
        }
    }

    static func timed(_ body: () throws -> Void) throws -> Duration {
        let start = ContinuousClock.now
        try body()
        return ContinuousClock.now - start
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }
}
