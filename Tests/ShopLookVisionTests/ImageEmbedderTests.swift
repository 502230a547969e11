import Foundation
import ShopLookImaging
import ShopLookRuntimes
import ShopLookVision
import Testing

/// The embedder on real models (fetched by Deploy/fetch-models) and real photos (scikit-image's, shipped
/// in the fetched test data with reference outputs computed by onnxruntime's Python package).
@Suite struct ImageEmbedderTests {
    static let models: ModelFiles = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let environment = ProcessInfo.processInfo.environment
        return ModelFiles(directory: URL(fileURLWithPath: environment["SHOPLOOK_MODELS"] ?? root.appendingPathComponent(".models").path))
    }()

    func photo(seed: Int) throws -> RGBImage {
        var pixels = [UInt8](repeating: 0, count: 300 * 200 * 3)
        for y in 0..<200 {
            for x in 0..<300 {
                let index = (y * 300 + x) * 3
                pixels[index] = UInt8((x * (seed + 1) + y) % 256)
                pixels[index + 1] = UInt8((y * 3 + seed * 40) % 256)
                pixels[index + 2] = (x / 20 + y / 20 + seed) % 2 == 0 ? 230 : 20
            }
        }
        return try RGBImage(width: 300, height: 200, pixels: pixels)
    }

    @Test func missingModelFileNamesTheFileAndTheFix() {
        let empty = ModelFiles(directory: FileManager.default.temporaryDirectory.appendingPathComponent("no-models-\(UUID())"))
        #expect {
            _ = try ImageEmbedder(models: empty)
        } throws: { error in
            let text = "\(error)"
            return text.contains("efficientnet_lite0.onnx") && text.contains("Deploy/fetch-models")
        }
    }

    @Test func embeddingsAreDeterministicUnitNormAndIndependentOfBatching() async throws {
        let embedder = try ImageEmbedder(models: Self.models, framing: .pad, maximumBatch: 4)
        let images = try (0..<5).map { try photo(seed: $0) }
        let first = try await embedder.embed(images)
        let again = try await embedder.embed(images)
        let single = try await embedder.embed([images[4]])
        #expect(first.count == 5)
        for (a, b) in zip(first, again) { #expect(a.vector == b.vector) }
        for embedding in first {
            #expect(embedding.vector.count == 1280 && embedding.logits.count == 1000)
            let norm = embedding.vector.map { $0 * $0 }.reduce(0, +).squareRoot()
            #expect(abs(norm - 1) < 1e-4)
        }
        let batchedVersusSingle = zip(first[4].vector, single[0].vector).map { abs($0 - $1) }.max()!
        #expect(batchedVersusSingle < 1e-4)
        #expect(first[0].vector != first[1].vector)
    }

    @Test func matchesTheReferenceRuntimeOnARealPhoto() async throws {
        let testdata = Self.models.directory.appendingPathComponent("testdata")
        let reference = try JSONSerialization.jsonObject(with: Data(contentsOf: testdata.appendingPathComponent("reference-embeddings.json"))) as! [String: Any]
        let photos = reference["photos"] as! [String: [String: Any]]
        let embedder = try ImageEmbedder(models: Self.models, framing: .centerCrop)
        for name in ["chelsea.jpg", "coffee.jpg"] {
            let bytes = [UInt8](try Data(contentsOf: testdata.appendingPathComponent(name)))
            let image = try JPEGDecoder().decode(bytes)
            let embedding = try await embedder.embed([image])[0]
            let expected = (photos[name]!["features"] as! [Double]).map(Float.init)
            let cosine = zip(embedding.vector, expected).map { $0 * $1 }.reduce(0, +)
            // Resampling differs from Pillow's (which antialiases); the features must still agree closely.
            #expect(cosine > 0.95, "\(name): cosine \(cosine)")
            let top = embedding.logits.indices.max { embedding.logits[$0] < embedding.logits[$1] }!
            #expect((photos[name]!["top5"] as! [Int]).prefix(3).contains(top), "\(name): top class \(top)")
        }
    }

    @Test func matchesTheReferenceRuntimeExactlyWithoutResampling() async throws {
        let testdata = Self.models.directory.appendingPathComponent("testdata")
        let reference = try JSONSerialization.jsonObject(with: Data(contentsOf: testdata.appendingPathComponent("reference-embeddings.json"))) as! [String: Any]
        let expected = (reference["photos"] as! [String: [String: Any]])["chelsea-224.jpg"]!
        let image = try JPEGDecoder().decode([UInt8](try Data(contentsOf: testdata.appendingPathComponent("chelsea-224.jpg"))))
        #expect(image.width == 224 && image.height == 224)
        let embedding = try await ImageEmbedder(models: Self.models, framing: .centerCrop).embed([image])[0]
        let features = (expected["features"] as! [Double]).map(Float.init)
        let logits = (expected["logits"] as! [Double]).map(Float.init)
        let featureError = zip(embedding.vector, features).map { abs($0 - $1) }.max()!
        let logitError = zip(embedding.logits, logits).map { abs($0 - $1) }.max()!
        #expect(featureError < 1e-4, "max feature difference \(featureError)")
        #expect(logitError < 1e-2, "max logit difference \(logitError)")
    }

    @Test func productPhotoIsTrimmedAndBadInputIsAClearError() throws {
        // A dark article on a white background, off-centre.
        var image = try RGBImage(width: 400, height: 300, fill: RGBColor(r: 250, g: 250, b: 250))
        var pixels = image.pixels
        for y in 50..<200 { for x in 220..<360 { let i = (y * 400 + x) * 3; pixels[i] = 30; pixels[i + 1] = 60; pixels[i + 2] = 120 } }
        image = try RGBImage(width: 400, height: 300, pixels: pixels)
        let prepared = try ProductPhotoPreparer().prepare(try JPEGEncoder(quality: 95).encode(image))
        #expect(prepared.width == 400 && prepared.height == 300)
        #expect(abs(prepared.box[0] - 220) < 12 && abs(prepared.box[1] - 50) < 12)
        #expect(abs(prepared.box[2] - 360) < 12 && abs(prepared.box[3] - 200) < 12)
        #expect(prepared.background != nil)
        #expect {
            _ = try ProductPhotoPreparer().prepare(Array("GIF89a....".utf8))
        } throws: { error in
            "\(error)".contains("gif")
        }
    }
}
