import Foundation
import ShopLookBlobStore
import ShopLookCore
import ShopLookImaging
import ShopLookLook
import ShopLookPose
import ShopLookTestSupport
import ShopLookVision
import Testing

/// The vision half of a look on the fetched models and the test photos: what is in view is searched.
@Suite(.requiresModels)
struct LookAnalyzerTests {
    static func analyzer(store: (any BlobStore)? = nil) throws -> LookAnalyzer {
        try LookAnalyzer(pose: try PoseService(files: TestModelFiles.files), embedder: try LookFixture.catalogEmbedder(), store: store)
    }

    /// The configuration before issue 17: a separate centre-crop pass over the full-resolution crops names them.
    static func separateNamingAnalyzer() throws -> LookAnalyzer {
        let files = TestModelFiles.files
        return try LookAnalyzer(
            pose: try PoseService(files: files), categorizer: try ImageEmbedder(models: files, framing: .centerCrop),
            embedder: try LookFixture.catalogEmbedder(), store: nil)
    }

    static func photo(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: TestModelFiles.testdata.appendingPathComponent(name)))
    }

    @Test("an upper-body photo gives its upper wear and names what is not in view")
    func upperBody() async throws {
        let root = TestPaths.scratchDirectory("look-analyzer")
        defer { try? FileManager.default.removeItem(at: root) }
        let store = try FileBlobStore(root: root)
        let analysis = try await Self.analyzer(store: store).analyze(photo: try Self.photo("astronaut.png"))
        #expect(analysis.articles.map(\.superCategory) == [.upper])
        #expect(analysis.verdict == .partial)
        #expect(Set(analysis.notInView.map(\.superCategory)) == [.lower, .foot])
        let article = try #require(analysis.articles.first)
        #expect(article.vector.count > 0 && abs(article.vector.reduce(0) { $0 + $1 * $1 } - 1) < 1e-3, "a unit vector")
        // The crop is stored as the catalog stores crops (a JPEG the blob store holds).
        let key = try #require(article.cropKey)
        #expect(try await store.get(key).starts(with: [0xFF, 0xD8]))
        #expect(analysis.stageSeconds.keys.sorted() == ["crop", "decode", "embed", "locate", "pose"])
    }

    @Test("a full-body photo gives upper and lower wear at least")
    func fullBody() async throws {
        let analysis = try await Self.analyzer().analyze(photo: try Self.photo("person.jpg"))
        #expect(analysis.articles.map(\.superCategory).starts(with: [.upper, .lower]))
        #expect(analysis.articles.map(\.ordinal) == Array(0..<analysis.articles.count))
    }

    @Test("no person and no garment, and bytes that are no image, are the shopper's errors")
    func refusals() async throws {
        let analyzer = try Self.analyzer()
        await #expect(throws: LookInputError.nothingToSearch("no person and no garment found in the photo")) {
            _ = try await analyzer.analyze(photo: try Self.photo("chelsea.png"))
        }
        do {
            _ = try await analyzer.analyze(photo: Array("not a photo".utf8))
            Issue.record("a text file was analysed")
        } catch let error as LookInputError {
            guard case .notAnImage(let reason) = error else { Issue.record("\(error)"); return }
            #expect(reason.contains("format"), "\(reason)")
        }
    }

    @Test("names from the embedder's own pass are the separate naming pass's, and the vectors are the same",
          arguments: ["person.jpg", "astronaut.png"])
    func onePassNames(photo: String) async throws {
        let onePassAnalyzer = try Self.analyzer()
        #expect(onePassAnalyzer.categorizer == nil)
        let onePass = try await onePassAnalyzer.analyze(photo: try Self.photo(photo))
        let separate = try await Self.separateNamingAnalyzer().analyze(photo: try Self.photo(photo))
        #expect(!onePass.articles.isEmpty)
        #expect(onePass.articles.map(\.superCategory) == separate.articles.map(\.superCategory))
        #expect(onePass.articles.map(\.category) == separate.articles.map(\.category))
        #expect(onePass.articles.map(\.box) == separate.articles.map(\.box))
        #expect(onePass.articles.map(\.vector) == separate.articles.map(\.vector), "naming never changes what is searched")
    }

    @Test("a person's garment crops go through the street projection, into the catalog projection's space; another base's is refused")
    func streetProjection() async throws {
        let files = TestModelFiles.files
        let pose = try PoseService(files: files)
        let catalog = try LookFixture.catalogEmbedder()
        let url = TestPaths.packageRoot.appendingPathComponent("Models")
            .appendingPathComponent(LinearProjection.defaultFileName(for: catalog.framing))
        let base = try LinearProjection(serialized: [UInt8](Data(contentsOf: url)))
        #expect(catalog.projectionID == base.contentID)
        // Negated weights: normalize(−Wx) = −normalize(Wx), so every crop that goes through it comes back negated.
        var negated = base.weights
        negated.values = negated.values.map { -$0 }
        let street = LinearProjection(weights: negated, blend: 0, adaptedFrom: base.contentID)
        let photo = try Self.photo("person.jpg")
        let plain = try await LookAnalyzer(pose: pose, embedder: catalog, store: nil).analyze(photo: photo)
        let through = try await LookAnalyzer(pose: pose, embedder: catalog, streetProjection: street, store: nil).analyze(photo: photo)
        #expect(!plain.articles.isEmpty)
        #expect(through.articles.map(\.box) == plain.articles.map(\.box) && through.articles.map(\.category) == plain.articles.map(\.category))
        #expect(through.modelVersion == plain.modelVersion, "the catalog's vectors of the base's version are searched")
        for (a, b) in zip(through.articles, plain.articles) {
            #expect(a.vector.count == b.vector.count && zip(a.vector, b.vector).allSatisfy { abs($0 + $1) < 1e-4 })
        }
        // Adapted from another projection, or no street projection at all: its vectors would match nothing.
        let stranger = LinearProjection(weights: base.weights, blend: 0, adaptedFrom: "0123456789ab")
        #expect(throws: VisionError.self) { _ = try LookAnalyzer(pose: pose, embedder: catalog, streetProjection: stranger, store: nil) }
        #expect(throws: VisionError.self) { _ = try LookAnalyzer(pose: pose, embedder: catalog, streetProjection: base, store: nil) }
        // And it never embeds a catalog.
        #expect(throws: VisionError.self) {
            _ = try ImageEmbedder(models: files, framing: catalog.framing, projection: street, precision: catalog.precision)
        }
    }

    @Test("naming from the embedder's pass needs a framing that names crops (not pad); the models' convenience adds a categorizer")
    func padFramingNeedsACategorizer() async throws {
        let files = TestModelFiles.files
        let pose = try PoseService(files: files)
        let pad = try ImageEmbedder(models: files, framing: .pad)
        let catalog = try LookFixture.catalogEmbedder()
        #expect(pad.logitsView == .pad && !pad.namesCrops)
        #expect(catalog.framing == .banded && catalog.logitsView == .pad && catalog.namesCrops)
        #expect(try ImageEmbedder(models: files, framing: .multiView).namesCrops)
        #expect(throws: VisionError.self) { _ = try LookAnalyzer(pose: pose, embedder: pad, store: nil) }
        let analyzer = try LookAnalyzer(pose: pose, embedder: pad, models: files, store: nil)
        #expect(analyzer.categorizer?.framing == .centerCrop)
        #expect(try LookAnalyzer(pose: pose, embedder: catalog, models: files, store: nil).categorizer == nil)
        // Each is used once, then released after the test (an actor that never ran a job is released the same way).
        let analysis = try await analyzer.analyze(photo: try Self.photo("person.jpg"))
        #expect(analysis.articles.map(\.superCategory).starts(with: [.upper, .lower]))
        _ = try await catalog.embed([try ImageDecoder().decode(try Self.photo("person.jpg"))])
    }
}
