import Foundation
import ShopLookCore
@testable import ShopLookFuzzTargets
import ShopLookImaging
import Testing

/// The fuzz targets stay compiled and correct in the plain build: each over its whole corpus (the seeds and every
/// input a fuzzer once failed on), and the seeds reach past the first check of what they feed.
@Suite struct FuzzCorpusTests {
    static let corpus = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fuzz/corpus", isDirectory: true)

    static func inputs(_ target: String) throws -> [(name: String, bytes: [UInt8])] {
        let folder = corpus.appendingPathComponent(target, isDirectory: true)
        return try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted().map { name in
            (name, Array(try Data(contentsOf: folder.appendingPathComponent(name))))
        }
    }

    @Test(arguments: FuzzTarget.all.map(\.name))
    func everyInputOfTheCorpusKeepsTheInvariants(target name: String) throws {
        let target = try #require(FuzzTarget.named(name))
        let inputs = try Self.inputs(name)
        #expect(inputs.count >= 8, "the \(name) corpus has \(inputs.count) inputs")
        for input in inputs {
            #expect(throws: Never.self, "\(name)/\(input.name)") { try target.run(input.bytes) }
        }
    }

    @Test func everyTargetHasACorpusFolderAndNoFolderLacksATarget() throws {
        let folders = try FileManager.default.contentsOfDirectory(atPath: Self.corpus.path).sorted()
        #expect(folders == FuzzTarget.all.map(\.name).sorted())
    }

    @Test func theImageSeedsDecode() throws {
        let jpegs = try Self.inputs("jpeg").filter { $0.name.hasSuffix(".jpg") && !$0.name.contains("truncated") && !$0.name.contains("header-only") }
        for seed in jpegs {
            #expect(throws: Never.self, "\(seed.name)") { try JPEGDecoder(limits: FuzzTarget.imageLimits).decode(seed.bytes) }
        }
        let pngs = try Self.inputs("png").filter { $0.name.hasSuffix(".png") && !$0.name.contains("truncated") && !$0.name.contains("no-idat") }
        for seed in pngs {
            #expect(throws: Never.self, "\(seed.name)") { try PNGDecoder(limits: FuzzTarget.imageLimits).decode(seed.bytes) }
        }
        #expect(jpegs.count >= 15 && pngs.count >= 12)
    }

    @Test func theMessageSeedsOfEveryTypeAreAccepted() throws {
        let codec = try MessageCodec()
        let seeds = Dictionary(uniqueKeysWithValues: try Self.inputs("messages").map { ($0.name, Array($0.bytes.dropFirst())) })
        #expect(throws: Never.self) { try codec.decode(NewImageMessage.self, from: seeds["seed-new-image"] ?? []) }
        #expect(throws: Never.self) { try codec.decode(PoseFilteredMessage.self, from: seeds["seed-pose-filtered"] ?? []) }
        #expect(throws: Never.self) { try codec.decode(CroppedArticlesMessage.self, from: seeds["seed-cropped-articles"] ?? []) }
        #expect(throws: Never.self) { try codec.decode(EmbeddedMessage.self, from: seeds["seed-embedded"] ?? []) }
        #expect(throws: Never.self) { try codec.decode(DeadLetterEnvelope.self, from: seeds["seed-dead-letter"] ?? []) }
        #expect(throws: Never.self) { try codec.decode(LookQueryMessage.self, from: seeds["seed-look-query"] ?? []) }
    }

    @Test func aPNGWithBrokenCRCsDecodesOnceTheyAreRepaired() throws {
        var broken = try #require(Self.inputs("png").first { $0.name == "seed-rgb8-5x3.png" }).bytes
        let original = broken
        broken[29] ^= 0xFF  // IHDR's CRC (8 signature + 8 length/type + 13 data)
        #expect(throws: ImageError.self) { try PNGDecoder().decode(broken) }
        let repaired = broken.withUnsafeBytes { PNGChunks.repairingCRCs($0) }
        #expect(repaired == original)
    }

    @Test func csvWrittenBackQuotesOnlyWhatNeedsIt() {
        let records = [["a", "b,c", "say \"hi\""], ["two\nlines", "", "\r"]]
        #expect(FuzzTarget.writeCSV(records, quoteAll: false) == "a,\"b,c\",\"say \"\"hi\"\"\"\n\"two\nlines\",,\"\r\"\n")
        #expect(FuzzTarget.writeCSV([["x", ""]], quoteAll: true) == "\"x\",\"\"\n")
    }
}

@Suite struct FuzzResourcesTests {
    @Test func theResourcesLoadAndEveryTargetTakesAnEmptyInput() {
        #expect(FuzzTarget.loadResources() == nil)
    }
}
