import Foundation
import ShopLookCore
import ShopLookTestSupport
import Testing

/// `shoplook eval street2shop` on a generated data set: which photos become queries, of which class, and that the
/// command searches the catalog with them.
@Suite(.requiresModels) struct StreetToShopEvalTests {
    @Test func queriesAreTheOneKindLowerWearAndDressCropsOfTheGroundTruth() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("street2shop-\(UUID())")
        defer { try? FileManager.default.removeItem(at: root) }
        let photos = root.appendingPathComponent("ccp/photos")
        try FileManager.default.createDirectory(at: photos, withIntermediateDirectories: true)
        // 0001: two kinds of lower wear (left out); 0002: jeans and leggings (pants); 0003: a skirt; 0004: a dress
        // photo with a skirt label too (its upper box, as a dress); 0005: shorts without a lower box (left out).
        // The extra crops: 0002's footwear box (shoes), 0003's upper box (a coat: outwear); the tops crops: the upper
        // boxes of 0001 and 0005 (not a dress photo, no coat, jacket or blazer).
        let images: [(name: String, labels: [String], dress: Bool, boxes: [String: [Int]])] = [
            ("0001", ["jeans", "shorts", "skin"], false, ["upper": [10, 10, 100, 70], "lower": [10, 70, 110, 150]]),
            ("0002", ["jeans", "leggings", "shoes"], false, ["lower": [20, 60, 100, 150], "foot": [20, 130, 100, 158]]),
            ("0003", ["skirt", "blouse", "coat"], false, ["upper": [10, 10, 110, 80], "lower": [15, 80, 105, 150]]),
            ("0004", ["dress", "skirt"], true, ["upper": [5, 5, 115, 155], "lower": [10, 100, 110, 150]]),
            ("0005", ["shorts"], false, ["upper": [10, 10, 110, 80]]),
        ]
        var entries: [String: Any] = [:]
        for (index, image) in images.enumerated() {
            try Data(try TestImages.crop(seed: index)).write(to: photos.appendingPathComponent("\(image.name).jpg"))
            entries[image.name] = ["width": 120, "height": 160, "labels": image.labels, "dress": image.dress, "boxes": image.boxes]
        }
        let groundTruth = root.appendingPathComponent("ccp/ground-truth.json")
        try JSONSerialization.data(withJSONObject: ["labels": ["null", "dress", "jeans", "leggings", "shorts", "skirt"], "images": entries])
            .write(to: groundTruth)
        let catalog = root.appendingPathComponent("catalog")
        for (offset, label) in ["dress", "pants", "skirt", "shorts", "shoes", "outwear"].enumerated() {
            let folder = catalog.appendingPathComponent(label)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            for copy in 0..<3 {
                try Data(try TestImages.crop(seed: 10 + offset * 3 + copy)).write(to: folder.appendingPathComponent("\(copy).jpg"))
            }
        }

        let eval = try TestProcess(
            "shoplook", arguments: ["eval", "street2shop", "--ground-truth", groundTruth.path, "--catalog", catalog.path])
        let exit = await eval.exit()
        let output = await eval.output()
        #expect(exit == .exited(0), "\(output)")
        let line = try #require(output.split(separator: "\n").last { $0.hasPrefix("{") })
        let report = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(report["queries_by_class"] as? [String: Int] == ["pants": 1, "skirt": 1, "dress": 1])
        #expect(report["queries"] as? Int == 3 && report["catalog"] as? Int == 18)
        let byClass = try #require(report["precision_at_10_by_class"] as? [String: Double])
        #expect(Set(byClass.keys) == ["pants", "skirt", "dress"])
        // Each query finds the 3 catalog photos of its class among its 10 nearest of 18 at most 3 times in 10.
        #expect(byClass.values.allSatisfy { (0...0.3).contains($0) }, "\(byClass)")

        // Cross-validated: every crop is scored once, by projections trained without it.
        let folds = try TestProcess(
            "shoplook", arguments: ["eval", "street2shop", "--folds", "3", "--ground-truth", groundTruth.path, "--catalog", catalog.path])
        let foldsExit = await folds.exit()
        let foldsOutput = await folds.output()
        #expect(foldsExit == .exited(0), "\(foldsOutput)")
        let foldsLine = try #require(foldsOutput.split(separator: "\n").last { $0.hasPrefix("{") })
        let crossValidated = try #require(try JSONSerialization.jsonObject(with: Data(foldsLine.utf8)) as? [String: Any])
        let perFold = try #require(crossValidated["per_fold"] as? [[String: Any]])
        #expect(perFold.map { $0["queries"] as? Int } == [1, 1, 1])
        #expect(perFold.map { $0["street_crops_trained"] as? Int } == [2, 2, 2])
        #expect(crossValidated["extra_queries_by_class"] as? [String: Int] == ["shoes": 1, "outwear": 1])
        #expect(crossValidated["tops_queries"] as? Int == 2)
        for name in ["base", "adapted", "street_projection"] {
            let pooled = try #require(crossValidated["precision_at_10_by_class_\(name)"] as? [String: Double])
            #expect(Set(pooled.keys) == ["pants", "skirt", "dress"])
            #expect(pooled.values.allSatisfy { (0...0.3).contains($0) }, "\(name): \(pooled)")
            let extra = try #require(crossValidated["extra_precision_at_10_by_class_\(name)"] as? [String: Double])
            #expect(Set(extra.keys) == ["shoes", "outwear"], "\(name): \(extra)")
            let tops = try #require(crossValidated["tops_share_at_10_\(name)"] as? Double)
            #expect((0...1).contains(tops))
        }
        #expect(crossValidated["base_projection"] as? String == Self.committedProjectionID())

        // The street projection, trained from the committed one on the catalog and all five crops; a second run
        // with the same inputs reuses it; it never embeds a catalog.
        let streetFile = root.appendingPathComponent("street.slproj")
        let trainArguments = ["train", "projection", "--adapt", "--catalog", catalog.path, "--street-crops", groundTruth.path,
                              "--epochs", "2", "--output", streetFile.path, "--skip-if-current"]
        for expectTrained in [true, false] {
            let train = try TestProcess("shoplook", arguments: trainArguments)
            let trainExit = await train.exit()
            let trainOutput = await train.output()
            #expect(trainExit == .exited(0), "\(trainOutput)")
            let trainLine = try #require(trainOutput.split(separator: "\n").last { $0.hasPrefix("{") })
            let trained = try #require(try JSONSerialization.jsonObject(with: Data(trainLine.utf8)) as? [String: Any])
            #expect(trained["trained"] as? Bool == expectTrained, "\(trained)")
            if expectTrained {
                #expect(trained["street_crops"] as? Int == 5 && trained["catalog"] as? Int == 18)
                #expect(trained["adapted_from"] as? String == Self.committedProjectionID())
            }
        }
        let bytes = try [UInt8](Data(contentsOf: streetFile))
        #expect(Array(bytes.prefix(8)) == Array("SLPROJ03".utf8))
        #expect(String(decoding: bytes[20..<32], as: UTF8.self) == Self.committedProjectionID())
        let embed = try TestProcess(
            "shoplook", arguments: ["embed", "--projection", streetFile.path, TestModelFiles.testdata.appendingPathComponent("person.jpg").path])
        let embedExit = await embed.exit()
        let embedOutput = await embed.output()
        #expect(embedExit == .exited(64) && embedOutput.contains("street projection"), "\(embedOutput)")
        let noCrops = try TestProcess("shoplook", arguments: ["train", "projection", "--adapt", "--catalog", catalog.path, "--output", streetFile.path])
        #expect(await noCrops.exit() == .exited(64), "--adapt without --street-crops is a usage error")
        let usage = try TestProcess(
            "shoplook", arguments: ["eval", "street2shop", "--folds", "3", "--cutout", "person", "--ground-truth", groundTruth.path,
                                    "--catalog", catalog.path])
        #expect(await usage.exit() == .exited(64), "--folds with --cutout is a usage error")
    }

    /// The content id of the committed projection of the default (int8, banded) embedder: its SHA-256's first 12 hex digits.
    static func committedProjectionID() -> String {
        let url = TestPaths.packageRoot.appendingPathComponent("Models/fashion-projection-banded.slproj")
        return String(SHA256.hexDigest((try? [UInt8](Data(contentsOf: url))) ?? []).prefix(12))
    }
}
