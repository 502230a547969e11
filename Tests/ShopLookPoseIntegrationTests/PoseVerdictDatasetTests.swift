import Foundation
import ShopLookCore
import ShopLookImaging
import ShopLookTestSupport
import Testing
@testable import ShopLookPose

/// The learned pose verdict on the real data sets (`$SHOPLOOK_DATASETS`: ccp/, clothing-small/), skipped
/// without them. A few dozen photos only: it proves the path (labels → BlazePose → features → cross-validated
/// network) and that it tells a ccp photo cut at the shoes from the whole photo; `shoplook eval pose
/// --cross-validate` measures the full sets.
@Suite("the learned pose verdict on the data sets", .requiresModels, .serialized,
       .enabled(if: DataSets.root != nil,
                "SHOPLOOK_DATASETS is not set, or has no ccp/ (photos, ground-truth.json) and clothing-small/: the data-set tests are skipped"))
struct PoseVerdictDatasetTests {
    static var root: URL? { DataSets.root }

    static func labelRows() throws -> [[String]] {
        let csv = TestPaths.packageRoot.appendingPathComponent("Models/pose-labels-ccp.csv")
        return try CSVReader.parse(String(contentsOf: csv, encoding: .utf8))
    }

    @Test("the project's ccp labels cover every ccp photo once, with known verdicts")
    func labelsCoverCCP() throws {
        let rows = try Self.labelRows()
        #expect(rows.first == ["file", "label", "note"])
        let files = rows.dropFirst().map { $0[0] }
        let photos = try FileManager.default.contentsOfDirectory(atPath: Self.root!.appendingPathComponent("ccp/photos").path)
            .filter { $0.hasSuffix(".jpg") }.map { "photos/" + $0 }
        #expect(files.count == Set(files).count)
        #expect(Set(files) == Set(photos))
        #expect(rows.dropFirst().allSatisfy { PoseVerdict(rawValue: $0[1]) != nil })
    }

    @Test("cross-validated on 20 street photos, their cuts at the shoes and 20 product photos")
    func crossValidatedSmall() throws {
        let root = Self.root!
        let estimator = try TestModels.estimator()
        let truth = try GroundTruthBoxes(url: root.appendingPathComponent("ccp/ground-truth.json"))
        let fronts = try Self.labelRows().dropFirst().filter { $0[1] == "full_front" }.prefix(20).map { $0[0] }
        var samples: [PoseCrossValidation.Sample] = []
        var rulesVerdicts: [PoseVerdict] = []
        func add(_ image: RGBImage, _ label: PoseVerdict, _ group: String) throws {
            let result = try estimator.estimate(image)
            samples.append(.init(features: PoseFeatures.vector(result), label: label, group: group))
            rulesVerdicts.append(PoseVerdictRules().verdict(result))
        }
        for file in fronts {
            let url = root.appendingPathComponent("ccp").appendingPathComponent(file)
            let image = try estimator.decode(Array(try Data(contentsOf: url)))
            try add(image, .fullFront, file)
            let boxes = try #require(truth.images[url.deletingPathExtension().lastPathComponent])
            if let cut = PoseCutOff.feet.rectangle(width: image.width, height: image.height, upper: boxes.upper, lower: boxes.lower, foot: boxes.foot) {
                try add(try image.cropped(to: cut), .partial, file)
            }
        }
        let products = root.appendingPathComponent("clothing-small/validation/dress")
        for name in try FileManager.default.contentsOfDirectory(atPath: products.path).sorted().prefix(20) {
            try add(try estimator.decode(Array(try Data(contentsOf: products.appendingPathComponent(name)))), .noPerson, name)
        }
        var trainer = PoseVerdictTrainer()
        trainer.hidden = 8
        trainer.epochs = 300
        let predictions = PoseCrossValidation(folds: 4, trainer: trainer).predictions(samples)
        let verdicts = predictions.map { $0!.verdict }
        let learned = PoseEvaluation(labels: samples.map(\.label), verdicts: verdicts)
        let rules = PoseEvaluation(labels: samples.map(\.label), verdicts: rulesVerdicts)
        print("PoseVerdictDatasetTests: \(samples.count) samples; learned (4-fold) accuracy \(learned.accuracy), "
              + "front precision \(learned.fullFrontPrecision), recall \(learned.fullFrontRecall), confusion \(learned.confusion); "
              + "rules accuracy \(rules.accuracy), confusion \(rules.confusion)")
        #expect(samples.count >= 55)
        #expect(learned.accuracy >= 0.85)
        #expect(learned.fullFrontPrecision >= 0.85)
    }
}

/// `$SHOPLOOK_DATASETS`, when it is set and holds `ccp/` and `clothing-small/`.
enum DataSets {
    static var root: URL? {
        guard let path = ProcessInfo.processInfo.environment["SHOPLOOK_DATASETS"], !path.isEmpty else { return nil }
        let root = URL(fileURLWithPath: path)
        let needed = ["ccp/photos", "ccp/ground-truth.json", "clothing-small"]
        guard needed.allSatisfy({ FileManager.default.fileExists(atPath: root.appendingPathComponent($0).path) }) else { return nil }
        return root
    }
}
