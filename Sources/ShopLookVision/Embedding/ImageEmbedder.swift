import Foundation
import ShopLookCore
import ShopLookImaging
import ShopLookRuntimes

/// An embedding of one image crop.
public struct Embedding: Sendable {
    /// The searchable vector, unit L2 norm (the features, through the learned projection when one is
    /// configured).
    public var vector: [Float]
    /// The features before any projection: per view (or, for `.banded`, per band of the one view), the 1280-d
    /// pooled CNN features scaled to unit norm, concatenated.
    public var features: [Float]
    /// EfficientNet-Lite0's 1000 ImageNet logits for the first view (fine categories come from them):
    /// ``ImageEmbedder/logitsView``.
    public var logits: [Float]
}

/// How a crop becomes the model's 224×224 input(s).
public enum EmbeddingFraming: String, Sendable, CaseIterable {
    /// Resize the shorter side to 256, centre-crop 224 (the model's ImageNet evaluation framing).
    case centerCrop = "center-crop"
    /// Fit the whole crop into 224×224, padding with its background colour: nothing of the article is cut off.
    case pad
    /// Both views, their features concatenated: the centre crop sees detail, the padded view the shape.
    case multiView = "multi-view"
    /// One padded view, its last feature map (7 × 7 cells) pooled in three overlapping horizontal bands — rows
    /// 0–2, 2–4 and 4–6: top, middle, bottom of the article — each band's mean scaled to unit norm: where a part of
    /// the article is, which the whole-image mean loses, from one model run instead of multi-view's two (issue 17;
    /// needs the int8 model, whose export adds the `feature_map` output).
    case banded

    /// The single views, in feature order.
    var views: [EmbeddingFraming] {
        switch self {
        case .multiView: [.centerCrop, .pad]
        case .banded: [.pad]
        case .centerCrop, .pad: [self]
        }
    }

    /// Whether an embedder with this framing names crops from its own logits (see ``ImageEmbedder/namesCrops``).
    public var namesCrops: Bool { self != .pad }

    /// The rows of the 7 × 7 feature map each band of `.banded` pools, top to bottom.
    static let bandRows = [0..<3, 2..<5, 4..<7]

    /// The width of the features before any projection: 1280 per view, or per band.
    public var featureDimension: Int { ImageEmbedder.featureCount * (self == .banded ? Self.bandRows.count : views.count) }
}

/// Which EfficientNet-Lite0 file the embedder runs. Each is its own model version: vectors of the two are not
/// compared with each other (a catalog moves from one to the other by re-embedding).
public enum ModelPrecision: String, Sendable, CaseIterable {
    /// The float32 export (the reference).
    case float
    /// The int8 quantisation of the same weights (`Deploy/models/quantize_lite0.py`): about twice as fast on one
    /// thread, the same retrieval precision on `clothing-small` (README, "Compute per photo").
    case int8

    /// The model's name in the models' manifest.
    public var manifestName: String { self == .float ? "efficientnet-lite0" : "efficientnet-lite0-int8" }

    func modelPath(in models: ModelFiles) throws(RuntimeError) -> String {
        switch self {
        case .float: try models.efficientNetLite0.path
        case .int8: try models.efficientNetLite0Int8.path
        }
    }
}

/// EfficientNet-Lite0 through ONNX Runtime: batched, on a dedicated thread.
///
/// Input preprocessing: RGB, framed to 224×224, `(x − 127) / 128`, NCHW. Output: the 1280-d pooled features
/// (L2-normalised, or passed through a ``LinearProjection``) and the logits.
public actor ImageEmbedder {
    public nonisolated let modelVersion: String
    /// The model version of the features before any projection (the model file and the framing): what a projection
    /// is trained on.
    public nonisolated let baseModelVersion: String
    /// The ``LinearProjection/contentID`` of the projection the vectors go through, if any: what a street projection
    /// must be adapted from to search this embedder's catalog.
    public nonisolated let projectionID: String?
    /// The width of ``Embedding/vector``.
    public nonisolated let dimension: Int
    /// The width of ``Embedding/features`` (1280 per view, or per band).
    public nonisolated let featureDimension: Int
    public nonisolated let framing: EmbeddingFraming
    public nonisolated let precision: ModelPrecision
    /// The most crops in one model run (each is `framing.views.count` rows of the model's batch); more are run in
    /// turn. ONNX Runtime's CPU arena keeps the memory of the largest run it has made, and a prepared run (its
    /// input buffers, 0.6 MB per row) is kept per batch size: at 16 crops of two views an embed worker's two
    /// processor instances held 1.2 GB; at 4 they hold about 330 MB, at the same throughput (measured with
    /// `Benchmarks/run-chaos`, which found it, and `EmbedWorkerTests`).
    public nonisolated let maximumBatch: Int
    /// The view whose ImageNet logits ``Embedding/logits`` holds (the framing's first view): `.centerCrop` for the
    /// centre-crop and multi-view framings, `.pad` for the padded and banded ones.
    public nonisolated var logitsView: EmbeddingFraming { framing.views[0] }
    /// Whether crops are named from this embedder's own logits (one pass per crop), or need a centre-crop
    /// categorizer beside it: the `.pad` framing, which frames for shape alone, keeps the separate centre-crop
    /// pass; `.banded` names from its padded view, the one view it runs.
    public nonisolated var namesCrops: Bool { framing.namesCrops }
    private let executor: DedicatedThreadExecutor
    private let session: OnnxSession
    private let projection: LinearProjection?
    private var prepared: [Int: OnnxPreparedRun] = [:]

    public nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    static let inputSide = 224
    static let featureCount = 1280
    static let classCount = 1000
    /// The side of the feature map `.banded` pools (224 / 32).
    static let mapSide = 7
    static let normalization = TensorNormalization(scale: 1, mean: SIMD3(repeating: 127), std: SIMD3(repeating: 128))

    /// - Parameters:
    ///   - threads: ONNX Runtime intra-op threads.
    ///   - projection: a learned projection applied to the features (its content id joins the model version).
    ///   - precision: the float model or its int8 quantisation (the model version names which).
    public init(
        models: ModelFiles, threads: Int = 1, framing: EmbeddingFraming = .centerCrop, projection: LinearProjection? = nil,
        precision: ModelPrecision = .int8, maximumBatch: Int = 4
    ) throws(VisionError) {
        guard (1...64).contains(threads), (1...256).contains(maximumBatch) else {
            throw .invalidArgument("threads must be 1…64 and the batch 1…256")
        }
        let featureDimension = framing.featureDimension
        if let base = projection?.adaptedFrom {
            throw .invalidArgument("a street projection (adapted from \(base)) embeds a look's crops, never a catalog: "
                + "embed with its base projection and give the street projection to the look side")
        }
        if let projection, projection.inputDimension != featureDimension {
            throw .invalidArgument(
                "the projection expects \(projection.inputDimension)-d features, the \(framing.rawValue) framing gives \(featureDimension)")
        }
        let baseVersion: String
        do {
            let modelPath = try precision.modelPath(in: models)
            baseVersion = try models.versionID(of: precision.manifestName)
            let runtime = try OnnxRuntime(modelsDirectory: models.directory.path)
            var options = OnnxSessionOptions()
            options.intraOpThreads = threads
            session = try OnnxSession(runtime: runtime, modelPath: modelPath, options: options)
        } catch {
            throw .runtime(error)
        }
        if framing == .banded, !session.outputs.contains(where: { $0.name == "feature_map" }) {
            throw .invalidArgument(
                "the banded framing pools the model's feature_map output, which the \(precision.rawValue) model has not "
                    + "(only the int8 export adds it: use --precision int8, or another --framing)")
        }
        self.projection = projection
        self.projectionID = projection?.contentID
        self.framing = framing
        self.precision = precision
        self.maximumBatch = maximumBatch
        self.featureDimension = featureDimension
        self.dimension = projection?.outputDimension ?? featureDimension
        var version = baseVersion
        if framing != .centerCrop { version += "+\(framing.rawValue)" }
        self.baseModelVersion = version
        if let projection { version += "+projection@\(projection.contentID)" }
        self.modelVersion = version
        self.executor = DedicatedThreadExecutor(name: "image-embedder")
    }

    /// Whether `streetProjection` maps into the space of this embedder's vectors (a catalog embedded with it).
    /// - Throws: ``VisionError/invalidArgument(_:)`` naming both projections when it does not.
    public nonisolated func checkStreetProjection(_ streetProjection: LinearProjection) throws(VisionError) {
        guard let base = streetProjection.adaptedFrom else {
            throw .invalidArgument("the projection \(streetProjection.contentID) is a catalog projection, not a street projection adapted from one")
        }
        guard base == projectionID else {
            throw .invalidArgument(
                "the street projection was adapted from the projection \(base), the catalog's embedder uses "
                    + (projectionID ?? "none") + ": train it again from that one (Deploy/train-street-projection)")
        }
        guard streetProjection.inputDimension == featureDimension else {
            throw .invalidArgument(
                "the street projection expects \(streetProjection.inputDimension)-d features, the embedder gives \(featureDimension)")
        }
    }

    deinit {
        executor.shutdown()
    }

    /// Embeds crops (any size), in order. `paddings` gives each crop's fill colour for the `.pad` framing
    /// (its background); white when absent. `mirrored` embeds the crops flipped left to right (a training
    /// augmentation).
    public func embed(_ images: [RGBImage], paddings: [RGBColor]? = nil, mirrored: Bool = false) throws(VisionError) -> [Embedding] {
        if let paddings, paddings.count != images.count {
            throw .invalidArgument("\(images.count) images but \(paddings.count) padding colours")
        }
        var result: [Embedding] = []
        result.reserveCapacity(images.count)
        var start = 0
        while start < images.count {
            let end = min(start + maximumBatch, images.count)
            let fill = paddings.map { Array($0[start..<end]) } ?? Array(repeating: RGBColor(r: 255, g: 255, b: 255), count: end - start)
            result += try embedBatch(Array(images[start..<end]), paddings: fill, mirrored: mirrored)
            start = end
        }
        return result
    }

    /// The model's input for one crop and one view: 224×224 RGB.
    public nonisolated func framed(_ image: RGBImage, view: EmbeddingFraming, padding: RGBColor) throws(VisionError) -> RGBImage {
        let side = Self.inputSide
        do throws(ImageError) {
            switch view {
            case .multiView, .banded:
                throw ImageError.invalidArgument("\(view.rawValue) is not a single view")
            case .centerCrop:
                let scaled = image.width == side && image.height == side ? image : try image.resized(shorterSide: 256)
                return try scaled.centerCropped(resizedTo: ImageSize(width: side, height: side))
            case .pad:
                return try image.letterboxed(to: ImageSize(width: side, height: side), padding: padding).image
            }
        } catch {
            throw .image(error)
        }
    }

    private func embedBatch(_ images: [RGBImage], paddings: [RGBColor], mirrored: Bool) throws(VisionError) -> [Embedding] {
        let views = framing.views
        let count = images.count
        // Rows of the model batch: image-major, view-minor.
        let rowsInBatch = count * views.count
        let run = try preparedRun(batch: rowsInBatch)
        let plane = Self.inputSide * Self.inputSide * 3
        do {
            for (index, original) in images.enumerated() {
                let image = mirrored ? original.applyingOrientation(.upMirrored) : original
                for (viewIndex, view) in views.enumerated() {
                    let input = try framed(image, view: view, padding: paddings[index])
                    let row = index * views.count + viewIndex
                    try run.withInputBuffer(0) { (buffer: UnsafeMutableBufferPointer<Float>) throws(ImageError) in
                        try input.writeTensor(
                            into: UnsafeMutableBufferPointer(rebasing: buffer[(row * plane)..<((row + 1) * plane)]),
                            layout: .nchw, normalization: Self.normalization)
                    }
                }
            }
            try run.run()
        } catch let error as ImageError {
            throw .image(error)
        } catch let error as RuntimeError {
            throw .runtime(error)
        } catch {
            throw .invalidArgument("\(error)")
        }
        let features: Matrix
        let logits: [Float]
        do {
            // Each view's (or band's) features scaled to unit norm, then those of an image side by side.
            let partIndex = try run.outputIndex(framing == .banded ? "feature_map" : "features")
            var parts = run.withOutputBuffer(partIndex) {
                framing == .banded
                    ? Self.bands(of: $0, rows: rowsInBatch)
                    : Matrix(rows: rowsInBatch, columns: Self.featureCount, values: Array($0.prefix(rowsInBatch * Self.featureCount)))
            }
            parts.normalizeRows()
            features = Matrix(rows: count, columns: featureDimension, values: parts.values)
            let logitIndex = try run.outputIndex("logits")
            logits = run.withOutputBuffer(logitIndex) { Array($0.prefix(rowsInBatch * Self.classCount)) }
        } catch {
            throw .runtime(error)
        }
        var vectors: Matrix
        if let projection {
            vectors = projection.apply(features)
        } else {
            vectors = features
            vectors.normalizeRows()
        }
        return (0..<count).map { row in
            let logitRow = row * views.count
            return Embedding(
                vector: Array(vectors.row(row)), features: Array(features.row(row)),
                logits: Array(logits[(logitRow * Self.classCount)..<((logitRow + 1) * Self.classCount)]))
        }
    }

    /// The bands of `.banded`: for each of `rows` feature maps (NCHW, 1280 × 7 × 7), the mean of each band's cells
    /// per channel, one row of the result per band (map-major, band-minor; not yet normalised).
    static func bands(of maps: UnsafeBufferPointer<Float>, rows: Int) -> Matrix {
        let cells = mapSide * mapSide
        let bandRows = EmbeddingFraming.bandRows
        var result = Matrix(rows: rows * bandRows.count, columns: featureCount, values: [Float](repeating: 0, count: rows * bandRows.count * featureCount))
        result.values.withUnsafeMutableBufferPointer { out in
            for row in 0..<rows {
                for channel in 0..<featureCount {
                    let map = maps.baseAddress! + (row * featureCount + channel) * cells
                    for (band, range) in bandRows.enumerated() {
                        var sum: Float = 0
                        for y in range { for x in 0..<mapSide { sum += map[y * mapSide + x] } }
                        out[(row * bandRows.count + band) * featureCount + channel] = sum / Float(range.count * mapSide)
                    }
                }
            }
        }
        return result
    }

    private func preparedRun(batch: Int) throws(VisionError) -> OnnxPreparedRun {
        if let run = prepared[batch] { return run }
        do {
            // Only the outputs this framing reads (the int8 model's feature map is 245 KB a row).
            let outputs = framing == .banded
                ? ["logits": [batch, Self.classCount], "feature_map": [batch, Self.featureCount, Self.mapSide, Self.mapSide]]
                : ["features": [batch, Self.featureCount], "logits": [batch, Self.classCount]]
            let run = try session.prepare(inputShapes: ["input": [batch, 3, Self.inputSide, Self.inputSide]], outputShapes: outputs)
            prepared[batch] = run
            return run
        } catch {
            throw .runtime(error)
        }
    }
}
