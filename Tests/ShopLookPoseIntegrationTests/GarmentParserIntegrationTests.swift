import Foundation
import ShopLookCore
import ShopLookImaging
import ShopLookRuntimes
import ShopLookTestSupport
import Testing
@testable import ShopLookPose

/// The garment parser with the real backbone: train → weights → boxes on a handful of `ccp/` photos (when
/// `$SHOPLOOK_DATASETS` has them), and how the parser is chosen, refused and fallen back from.
@Suite("Garment parser with the models", .requiresModels, .serialized)
struct GarmentParserIntegrationTests {
    /// `$SHOPLOOK_DATASETS/ccp`, or nil (and a line saying the dataset part is skipped).
    static func ccp() -> URL? {
        guard let root = ProcessInfo.processInfo.environment["SHOPLOOK_DATASETS"], !root.isEmpty else {
            print("GarmentParserIntegrationTests: SHOPLOOK_DATASETS is not set; skipping the training on ccp photos")
            return nil
        }
        let ccp = URL(fileURLWithPath: root).appendingPathComponent("ccp")
        guard FileManager.default.fileExists(atPath: ccp.appendingPathComponent("ground-truth.json").path) else {
            print("GarmentParserIntegrationTests: no ccp/ground-truth.json under \(root); skipping the training on ccp photos")
            return nil
        }
        return ccp
    }

    /// A models folder with every fetched file (linked) and `parser/` of its own.
    static func modelsCopy() throws -> ModelFiles {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("parser-models-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for name in try FileManager.default.contentsOfDirectory(atPath: TestModelFiles.directory.path) where name != "parser" {
            try FileManager.default.createSymbolicLink(
                at: directory.appendingPathComponent(name), withDestinationURL: TestModelFiles.directory.appendingPathComponent(name))
        }
        return ModelFiles(directory: directory)
    }

    @Test("trained on six ccp photos, the weights load and place the articles of a photo it saw")
    func trainAndLocate() throws {
        try TestModelFiles.require()
        guard let ccp = Self.ccp() else { return }
        let files = try Self.modelsCopy()
        defer { try? FileManager.default.removeItem(at: files.directory) }
        let set = try GarmentTrainingSet.load(directory: ccp, files: files, limit: 6)
        try #require(set.photos.count == 6, "skipped: \(set.skipped)")
        #expect(set.features.count == 6 * ParserFrame.cellCount * GarmentParser.inputCount)
        #expect(set.targets.count == 6 * ParserFrame.cellCount * GarmentClass.allCases.count)
        var trainer = GarmentClassifierTrainer()
        trainer.epochs = 20
        trainer.batchSize = 128
        let classifier = trainer.train(
            features: set.features, targets: set.targets, inputCount: GarmentParser.inputCount,
            rows: Array(0..<(6 * ParserFrame.cellCount)), backboneVersion: set.backboneVersion)
        try FileManager.default.createDirectory(at: files.garmentParserWeights.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(classifier.serialized()).write(to: files.garmentParserWeights)

        let parser = try GarmentParser(files: files, weights: files.garmentParserWeights)
        #expect(parser.modelVersion == "garment-parser@\(classifier.contentID)")
        parser.locator = nil  // the parser's own boxes
        let photo = set.photos[0]
        let estimator = try PoseEstimator(files: files, includeMask: true)
        let image = try estimator.decode(Array(try Data(contentsOf: ccp.appendingPathComponent("photos/\(photo.name).jpg"))))
        let regions = try parser.locate(photo.result, image: image)
        for (category, truth) in photo.expected {
            let box = try #require(regions.first { $0.superCategory == category }?.box, "\(photo.name): no \(category) box")
            #expect(box.iou(truth) >= 0.5, "\(photo.name) \(category): \(box) against \(truth)")
        }
        // Through ArticleBoxes and the pose service, the same weights are chosen automatically.
        let boxes = try ArticleBoxes(files: files)
        #expect(boxes.method == parser.modelVersion && boxes.fallbackReason == nil)
        let service = try PoseService(files: files)
        #expect(service.articleBoxMethod == parser.modelVersion)
    }

    @Test("without weights: automatic falls back to pose-guided and says why; asking for the parser is an error naming the command")
    func missingWeights() throws {
        try TestModelFiles.require()
        let files = try Self.modelsCopy()
        defer { try? FileManager.default.removeItem(at: files.directory) }
        let boxes = try ArticleBoxes(files: files)
        #expect(boxes.method == "pose-guided")
        #expect(boxes.fallbackReason?.contains("shoplook train parser") == true)
        #expect(boxes.fallbackReason?.contains(files.garmentParserWeights.path) == true)
        #expect(throws: GarmentParserError.self) { try ArticleBoxes(files: files, choice: .parser) }
        #expect(try ArticleBoxes(files: files, choice: .poseGuided).fallbackReason == nil)
        let service = try PoseService(files: files)
        #expect(service.articleBoxMethod == "pose-guided" && service.articleBoxFallback != nil)
    }

    @Test("weights trained on another backbone are refused, and a corrupt file is named")
    func otherBackbone() throws {
        try TestModelFiles.require()
        let files = try Self.modelsCopy()
        defer { try? FileManager.default.removeItem(at: files.directory) }
        let data = (0..<(40 * GarmentParser.inputCount)).map { Float($0 % 7) }
        var targets = [Float](repeating: 0, count: 40 * GarmentClass.allCases.count)
        for row in 0..<40 { targets[row * GarmentClass.allCases.count + row % 3] = 1 }
        var trainer = GarmentClassifierTrainer()
        trainer.epochs = 1
        let classifier = trainer.train(
            features: data, targets: targets, inputCount: GarmentParser.inputCount, rows: Array(0..<40),
            backboneVersion: "efficientnet-lite0-parser-backbone@000000000000")
        try FileManager.default.createDirectory(at: files.garmentParserWeights.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(classifier.serialized()).write(to: files.garmentParserWeights)
        #expect {
            try GarmentParser(files: files, weights: files.garmentParserWeights)
        } throws: { error in
            "\(error)".contains("was trained on efficientnet-lite0-parser-backbone@000000000000") && "\(error)".contains("shoplook train parser")
        }
        #expect(try ArticleBoxes(files: files).method == "pose-guided")
        try Data([1, 2, 3]).write(to: files.garmentParserWeights)
        #expect {
            try GarmentParser(files: files, weights: files.garmentParserWeights)
        } throws: { error in
            "\(error)".contains(files.garmentParserWeights.path) && "\(error)".contains("not a ShopLook garment parser file")
        }
    }
}
