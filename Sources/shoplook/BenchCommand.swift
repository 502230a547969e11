import ArgumentParser
import Foundation
import ShopLookCommandSupport
import ShopLookModelOptions
import ShopLookCore
import ShopLookImaging
import ShopLookVision

struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Micro-benchmarks (use a release build).", subcommands: [
            BenchEmbedCommand.self, BenchPoseCommand.self, BenchModelsCommand.self, BenchLookCommand.self, BenchLookLoadCommand.self,
            BenchParserCommand.self,
        ])
}

struct BenchEmbedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed",
        abstract: "Time the embedder per image (framing, tensor and inference; decoding excluded) and print JSON.",
        discussion: "Compare with Deploy/models/bench_onnxruntime.py (Benchmarks/run-embed-bench runs both).")

    @OptionGroup var vision: VisionOptions

    @Option(help: "Folder of JPEGs (the first 64 are used).")
    var images: String

    @Option(help: "Batch sizes, comma-separated.")
    var batch = "1,8"

    @Option(help: "Timed runs per batch size.")
    var runs = 30

    @Option(help: "Untimed warm-up runs per batch size.")
    var warmup = 5

    func run() async throws {
        var plain = vision
        plain.projection = plain.projection ?? "none"
        let embedder = try plain.embedder()
        let files = try FileManager.default.contentsOfDirectory(atPath: images)
            .filter { $0.lowercased().hasSuffix(".jpg") || $0.lowercased().hasSuffix(".jpeg") }.sorted().prefix(64)
        let decoder = JPEGDecoder()
        let pool = try files.map { try decoder.decode([UInt8](try Data(contentsOf: URL(fileURLWithPath: images).appendingPathComponent($0)))) }
        guard !pool.isEmpty else { throw ValidationError("no JPEGs in \(images)") }
        var batches: [String: Any] = [:]
        for size in batch.split(separator: ",").compactMap({ Int($0) }) {
            let input = (0..<size).map { pool[$0 % pool.count] }
            for _ in 0..<warmup { _ = try await embedder.embed(input) }
            var times: [Double] = []
            for _ in 0..<runs {
                let start = ContinuousClock.now
                _ = try await embedder.embed(input)
                let elapsed = ContinuousClock.now - start
                times.append(elapsed.seconds * 1e3)
            }
            let median = times.sorted()[times.count / 2]
            batches[String(size)] = [
                "median_ms_per_batch": median, "median_ms_per_image": median / Double(size),
                "images_per_second": 1000 * Double(size) / median,
            ] as [String: Any]
        }
        JSONLineWriter().write([
            "model_version_id": embedder.modelVersion, "framing": embedder.framing.rawValue, "threads": plain.threads,
            "images": pool.count, "timed_runs": runs, "batches": batches,
        ])
    }
}
