import ArgumentParser
import Foundation
import ShopLookBLAS
import ShopLookCommandSupport
import ShopLookCore
import ShopLookLook
import ShopLookModelOptions
import ShopLookPose
import ShopLookVision

/// The models' own compute for looks: the baseline of `Benchmarks/run-look-bench`. The query worker's analysis
/// (``LookAnalyzer``, built as `shoplook-query-worker` builds it, with no blob store) on each photo, one after the
/// other, after a warm-up.
struct BenchLookCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "look",
        abstract: "Time the query worker's analysis of look photos (decode, pose, articles, naming, embedding) and print JSON.",
        discussion: """
            Exactly the worker's code: LookAnalyzer with the worker's models, embedder and street projection options \
            (the defaults: one inference thread, int8 banded, the project's projection, the street projection where \
            the setup trained it; one OpenBLAS thread), without a blob store (the \
            crops are still JPEG-encoded and decoded again, as stored crops are). Timed: analyze(photo:) per photo, \
            the bytes already in memory; per stage the analyzer's own times (decode, pose, locate, crop = cut, name \
            and encode, embed). The first --warmup photos are analysed once untimed first. A photo the analyzer \
            refuses (nothing to search) is timed all the same and counted in "refused". The last line is JSON.
            """)

    @OptionGroup var vision: VisionOptions
    @OptionGroup var street: StreetProjectionOptions

    @Option(help: "Photos analysed untimed before the timed pass (the first ones of the list).")
    var warmup = 3

    @Option(help: "Timed passes over all photos.")
    var passes = 1

    @Flag(help: "Name the crops in a separate centre-crop pass (the configuration before issue 17), not from the embedder's pass.")
    var separateNaming = false

    @Argument(help: "Look photos (JPEG or PNG).")
    var files: [String]

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("no photos given") }
        guard warmup >= 0 else { throw ValidationError("--warmup must be 0 or more") }
        guard passes >= 1 else { throw ValidationError("--passes must be 1 or more") }
    }

    func run() async throws {
        // As in the worker (StageWorkerApplication): the projection on one OpenBLAS thread.
        BLAS.threadCount = 1
        let modelFiles = try vision.model.modelFiles()
        let pose = try PoseService(files: modelFiles)
        let embedder = try vision.embedder()
        let streetProjection = try street.load(models: vision.model, for: embedder).projection
        let analyzer = separateNaming
            ? try LookAnalyzer(
                pose: pose, categorizer: try vision.categorizer(), embedder: embedder, streetProjection: streetProjection, store: nil)
            : try LookAnalyzer(pose: pose, embedder: embedder, streetProjection: streetProjection, models: modelFiles, store: nil)
        let photos = try files.map { file in
            guard let data = FileManager.default.contents(atPath: file) else { throw ValidationError("cannot read \(file)") }
            return [UInt8](data)
        }
        for photo in photos.prefix(warmup) { _ = try? await analyzer.analyze(photo: photo) }

        var totals: [Double] = []
        var stages: [String: [Double]] = [:]
        var articles = 0, refused = 0
        var verdicts: [String: Int] = [:]
        let clock = ContinuousClock()
        for _ in 0..<passes {
            for photo in photos {
                let start = clock.now
                do {
                    let analysis = try await analyzer.analyze(photo: photo)
                    totals.append((clock.now - start).seconds * 1000)
                    articles += analysis.articles.count
                    verdicts[analysis.verdict.rawValue, default: 0] += 1
                    for (stage, seconds) in analysis.stageSeconds { stages[stage, default: []].append(seconds * 1000) }
                } catch is LookInputError {
                    totals.append((clock.now - start).seconds * 1000)
                    refused += 1
                }
            }
        }
        let looks = totals.count
        JSONLineWriter().write([
            "looks": looks, "photos": photos.count, "passes": passes, "articles": articles, "refused": refused,
            "naming": separateNaming ? "separate-pass" : "embedder-pass",
            "verdicts": verdicts.mapValues { $0 as Any },
            "model_ms_per_look": Self.mean(totals), "model_ms_per_look_median": Self.quantile(totals, 0.5),
            "model_ms_per_look_p99": Self.quantile(totals, 0.99), "model_seconds": totals.reduce(0, +) / 1000,
            "stage_ms_mean": stages.mapValues { Self.mean($0) as Any },
            "stage_ms_median": stages.mapValues { Self.quantile($0, 0.5) as Any },
            "embedder": analyzer.embedder.modelVersion, "pose_model": analyzer.pose.modelVersion,
        ])
    }

    static func mean(_ values: [Double]) -> Double {
        values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count)
    }

    /// Linear interpolation between the closest ranks (PostgreSQL's `percentile_cont`, so that the bench script's
    /// figures from PostgreSQL and these compare).
    static func quantile(_ values: [Double], _ q: Double) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        let position = q * Double(sorted.count - 1)
        let lower = Int(position.rounded(.down)), upper = Int(position.rounded(.up))
        return sorted[lower] + (sorted[upper] - sorted[lower]) * (position - Double(lower))
    }
}
