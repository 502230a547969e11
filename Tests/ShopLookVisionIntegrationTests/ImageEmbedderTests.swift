import Foundation
import ShopLookImaging
import ShopLookRuntimes
import ShopLookTestSupport
import ShopLookVision
import Testing

/// The embedder on real models (fetched by Deploy/fetch-models) and real photos (scikit-image's, shipped
/// in the fetched test data with reference outputs computed by onnxruntime's Python package).
@Suite(.requiresModels) struct ImageEmbedderTests {
    static var models: ModelFiles { TestModelFiles.files }

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
        let embedder = try ImageEmbedder(models: Self.models, framing: .centerCrop, precision: .float)
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
        let embedding = try await ImageEmbedder(models: Self.models, framing: .centerCrop, precision: .float).embed([image])[0]
        let features = (expected["features"] as! [Double]).map(Float.init)
        let logits = (expected["logits"] as! [Double]).map(Float.init)
        let featureError = zip(embedding.vector, features).map { abs($0 - $1) }.max()!
        let logitError = zip(embedding.logits, logits).map { abs($0 - $1) }.max()!
        #expect(featureError < 1e-4, "max feature difference \(featureError)")
        #expect(logitError < 1e-2, "max logit difference \(logitError)")
    }

    /// The int8 model is its own model version and stays close to the float model's reference outputs on the
    /// exact 224×224 input (no resampling between the two).
    @Test func int8ModelIsItsOwnVersionCloseToTheFloatReference() async throws {
        let testdata = Self.models.directory.appendingPathComponent("testdata")
        let reference = try JSONSerialization.jsonObject(with: Data(contentsOf: testdata.appendingPathComponent("reference-embeddings.json"))) as! [String: Any]
        let expected = (reference["photos"] as! [String: [String: Any]])["chelsea-224.jpg"]!
        let image = try JPEGDecoder().decode([UInt8](try Data(contentsOf: testdata.appendingPathComponent("chelsea-224.jpg"))))
        let int8 = try ImageEmbedder(models: Self.models, framing: .centerCrop, precision: .int8)
        let float = try ImageEmbedder(models: Self.models, framing: .centerCrop, precision: .float)
        #expect(int8.modelVersion.hasPrefix("efficientnet-lite0-imagenet-int8@"))
        #expect(float.modelVersion.hasPrefix("efficientnet-lite0-imagenet@"))
        let embedding = try await int8.embed([image])[0]
        let features = (expected["features"] as! [Double]).map(Float.init)
        let cosine = zip(embedding.vector, features).map { $0 * $1 }.reduce(0, +)
        #expect(cosine > 0.98, "int8 against the float reference: cosine \(cosine)")
        #expect(cosine < 0.99999, "the int8 file must not be the float model (cosine \(cosine))")
        let logits = (expected["logits"] as! [Double]).map(Float.init)
        let topFloat = logits.indices.max { logits[$0] < logits[$1] }!
        let topInt8 = embedding.logits.indices.max { embedding.logits[$0] < embedding.logits[$1] }!
        #expect(topInt8 == topFloat, "top class \(topInt8), the float model's \(topFloat)")
    }

    /// Red and white stripes above, `lower` below: a top and a bottom garment.
    func stripes(over lower: (Int, Int) -> (UInt8, UInt8, UInt8)) throws -> RGBImage {
        var pixels = [UInt8](repeating: 0, count: 240 * 320 * 3)
        for y in 0..<320 {
            for x in 0..<240 {
                let index = (y * 240 + x) * 3
                let stripe = (x / 12) % 2 == 0
                let (r, g, b) = y < 160 ? (210, stripe ? 30 : 235, stripe ? 40 : 235) : lower(x, y)
                pixels[index] = r; pixels[index + 1] = g; pixels[index + 2] = b
            }
        }
        return try RGBImage(width: 240, height: 320, pixels: pixels)
    }

    /// The banded framing (issue 17): one padded view, its feature map pooled in three horizontal bands, from the
    /// int8 model's `feature_map` output.
    @Test func bandedFramingPoolsThePaddedViewInBandsFromOneRun() async throws {
        let banded = try ImageEmbedder(models: Self.models, framing: .banded, precision: .int8)
        let pad = try ImageEmbedder(models: Self.models, framing: .pad, precision: .int8)
        #expect(banded.featureDimension == 3 * 1280 && banded.dimension == 3 * 1280)
        #expect(banded.modelVersion.hasSuffix("+banded") && banded.namesCrops && banded.logitsView == .pad)
        // The same top over two different bottoms: dark blue cords, plain green.
        let cords = try stripes { x, _ in x % 9 < 2 ? (150, 170, 200) : (20, 40, 110) }
        let green = try stripes { _, _ in (40, 150, 60) }
        let all = try await banded.embed([cords, green, try photo(seed: 3)])
        let alone = try await banded.embed([green])[0]
        let padded = try await pad.embed([cords])[0]
        func band(_ embedding: Embedding, _ index: Int) -> ArraySlice<Float> { embedding.features[(index * 1280)..<((index + 1) * 1280)] }
        func cosine(_ a: ArraySlice<Float>, _ b: ArraySlice<Float>) -> Float { zip(a, b).map { $0 * $1 }.reduce(0, +) }
        for embedding in all {
            #expect(embedding.features.count == 3840 && embedding.logits.count == 1000)
            for index in 0..<3 { #expect(abs(cosine(band(embedding, index), band(embedding, index)) - 1) < 1e-4) }
        }
        // One run per crop: the logits are the padded view's own, and a crop's features do not depend on its batch.
        #expect(zip(all[0].logits, padded.logits).map { abs($0 - $1) }.max()! < 1e-4)
        #expect(zip(all[1].features, alone.features).map { abs($0 - $1) }.max()! < 1e-4)
        // The bands are where they say: another bottom moves the bottom band much more than the top one.
        let topAlike = cosine(band(all[0], 0), band(all[1], 0)), bottomAlike = cosine(band(all[0], 2), band(all[1], 2))
        #expect(topAlike > bottomAlike + 0.1, "top bands \(topAlike), bottom bands \(bottomAlike)")
    }

    @Test func bandedFramingNeedsTheInt8ModelsFeatureMap() {
        #expect {
            _ = try ImageEmbedder(models: Self.models, framing: .banded, precision: .float)
        } throws: { error in
            "\(error)".contains("feature_map") && "\(error)".contains("--precision int8")
        }
    }
}
