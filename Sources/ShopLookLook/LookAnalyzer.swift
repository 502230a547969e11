import ShopLookBlobStore
import ShopLookCore
import ShopLookImaging
import ShopLookPipeline
import ShopLookPose
import ShopLookRuntimes
import ShopLookVision

/// One article found in a shopper's photo, embedded for search.
public struct LookArticle: Sendable {
    /// 0, 1, … in the order upper, lower, foot.
    public var ordinal: Int
    public var superCategory: SuperCategory
    /// The fine category named from the crop (e.g. "jeans").
    public var category: String
    /// In the photo's displayed pixels.
    public var box: BoundingBox
    /// How sure the locator is (landmark visibility, or the category probability of a product photo), 0–1.
    public var score: Double
    /// The stored crop (JPEG, as the catalog stores its crops); `nil` when the analyzer has no blob store.
    public var cropKey: BlobKey?
    /// The embedding of the stored crop.
    public var vector: [Float]

    public init(
        ordinal: Int, superCategory: SuperCategory, category: String, box: BoundingBox, score: Double, cropKey: BlobKey?, vector: [Float]
    ) {
        self.ordinal = ordinal
        self.superCategory = superCategory
        self.category = category
        self.box = box
        self.score = score
        self.cropKey = cropKey
        self.vector = vector
    }
}

/// What a shopper's photo shows and what to search for.
public struct LookAnalysis: Sendable {
    /// The pose verdict (`no_person` for a product photo).
    public var verdict: PoseVerdict
    /// Why the verdict (for example "not seen: feet").
    public var verdictReason: String
    public var imageWidth: Int
    public var imageHeight: Int
    /// The articles to search for: at least one.
    public var articles: [LookArticle]
    /// The garments of a person that are not in the photo, with why (for example lower wear of an upper-body shot).
    public var notInView: [(superCategory: SuperCategory, reason: String)]
    /// The embedding model the vectors come from (the catalog's vectors of this version are searched).
    public var modelVersion: String
    /// Seconds per step: decode, pose, locate, crop (cut, encode and store; naming too with a separate categorizer),
    /// embed (naming included when the names come from the embedder's pass).
    public var stageSeconds: [String: Double]
}

/// Why a photo cannot be searched: the shopper's input, never the system's fault.
public enum LookInputError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Not a JPEG or PNG, broken, or over the pixel limits (the decoder's reason).
    case notAnImage(String)
    /// Neither a person wearing garments nor a garment on its own.
    case nothingToSearch(String)

    public var description: String {
        switch self {
        case .notAnImage(let reason): "not a usable image: \(reason)"
        case .nothingToSearch(let reason): reason
        }
    }
}

/// Turns a shopper's photo into search queries with the catalog's own vision code: BlazePose, the articles in view
/// (``VisibleArticles``: an upper-body photo gives upper wear, a full-body photo all three), crops stored like the
/// catalog's (``CropEncoder``), then embedded from the stored bytes with the catalog's embedder, so that a look's
/// vectors compare with the catalog's.
///
/// **One model pass per crop.** The crops are named from the ImageNet logits of the embedder's own centre-crop view
/// (the catalog's multi-view embedder sees each crop centre-cropped first): naming costs no pass of its own. With a
/// `categorizer` (the configuration before issue 17, kept for the benchmarks' reference) the full-resolution crops
/// are named by a separate pass of it instead.
///
/// A photo without a person is a product photo: one article, the image trimmed to its foreground and named from the
/// ImageNet classes. A person with no garment in view is tried the same way. Only a photo with no person and no
/// recognisable garment is ``LookInputError/nothingToSearch(_:)``; nothing of it is stored.
public struct LookAnalyzer: Sendable {
    public let pose: PoseService
    /// Names the crops in a separate pass; `nil`: names come from ``embedder``'s centre-crop view.
    public let categorizer: ImageEmbedder?
    /// The catalog's embedder (same framing and projection as the embed stage).
    public let embedder: ImageEmbedder
    /// Maps the crops of a person's garments into the catalog projection's space in place of it (a street photo's
    /// crop is not a product photo: ``ProjectionTrainer/adapt(_:features:labels:proxies:)``); `nil`: the
    /// embedder's vectors. A product photo's article always keeps the embedder's vector, as the catalog's have.
    public let streetProjection: LinearProjection?
    let store: (any BlobStore)?
    let cropper = ArticleCropper()
    let cropEncoder = CropEncoder()
    let decoder = ImageDecoder()

    /// - Parameters:
    ///   - categorizer: a separate naming pass over the full-resolution crops (the reference configuration);
    ///     `nil` names each crop from the embedder's own pass, which needs an embedder that names crops
    ///     (``ImageEmbedder/namesCrops``: every framing but `pad`).
    ///   - store: where crops go (a look's page shows them); `nil` keeps them in memory only.
    ///   - streetProjection: adapted from the embedder's projection (its ``LinearProjection/adaptedFrom`` is the
    ///     embedder's ``ImageEmbedder/projectionID``), so that its vectors search the same catalog.
    public init(
        pose: PoseService, categorizer: ImageEmbedder? = nil, embedder: ImageEmbedder, streetProjection: LinearProjection? = nil,
        store: (any BlobStore)?
    ) throws(VisionError) {
        if categorizer == nil, !embedder.namesCrops {
            throw .invalidArgument(
                "the \(embedder.framing.rawValue) framing does not name crops from its own pass; pass a centre-crop categorizer")
        }
        if let streetProjection {
            try embedder.checkStreetProjection(streetProjection)
        }
        self.pose = pose
        self.categorizer = categorizer
        self.embedder = embedder
        self.streetProjection = streetProjection
        self.store = store
    }

    /// Names from the embedder's own pass where it names crops, else from a centre-crop categorizer loaded from
    /// `models` (an embedder configured with `--framing pad`).
    public init(
        pose: PoseService, embedder: ImageEmbedder, streetProjection: LinearProjection? = nil, models: ModelFiles, store: (any BlobStore)?
    ) throws(VisionError) {
        let categorizer = embedder.namesCrops
            ? nil : try ImageEmbedder(models: models, framing: .centerCrop, precision: embedder.precision)
        try self.init(pose: pose, categorizer: categorizer, embedder: embedder, streetProjection: streetProjection, store: store)
    }

    /// A crop to store, embed and name.
    private struct Pending {
        var superCategory: SuperCategory?
        var box: BoundingBox
        var score: Double
        /// The catalog's or the separate pass's name; `nil`: from the embedder's logits.
        var category: String?
        var bytes: [UInt8]
        var stored: RGBImage
    }

    /// The photo's articles, embedded.
    /// - Throws: ``LookInputError`` for a photo that cannot be searched; model, runtime and blob-store errors as they are.
    public func analyze(photo: [UInt8]) async throws -> LookAnalysis {
        let clock = ContinuousClock()
        let assessed: ShopperPhotoAssessment
        do {
            assessed = try await pose.assessShopperPhoto(encoded: photo)
        } catch {
            if case .image(let reason) = error { throw LookInputError.notAnImage("\(reason)") }
            throw error
        }
        var seconds = ["decode": assessed.decodeSeconds, "pose": assessed.poseSeconds, "locate": assessed.locateSeconds]
        let image = assessed.image
        let cropStart = clock.now
        // Cut (and, with a categorizer, name) the articles in view; else the whole photo trimmed, as a product photo.
        var pending: [Pending] = []
        let cuts = try cropper.cut(image, regions: assessed.assessment.regions)
        let names = try await categorizer?.embed(cuts.map(\.crop)).map(\.logits)
        for (index, cut) in cuts.enumerated() {
            let category = names.map { cropper.named(cut, logits: $0[index]).category }
            pending.append(try encoded(cut.crop, superCategory: cut.superCategory, box: cut.box, score: cut.score, category: category))
        }
        let productPhoto = pending.isEmpty
        if productPhoto {
            let (trimmed, trim) = image.trimmedToForeground()
            let box = BoundingBox(x0: Double(trim.box.x), y0: Double(trim.box.y),
                                  x1: Double(trim.box.x + trim.box.width), y1: Double(trim.box.y + trim.box.height))
            pending = [try encoded(trimmed, superCategory: nil, box: box, score: 0, category: nil)]
            if let categorizer {
                // The reference: the trimmed photo named at full resolution before anything is embedded.
                try name(&pending[0], logits: try await categorizer.embed([trimmed])[0].logits, assessed)
            }
        }
        seconds["crop"] = (clock.now - cropStart).seconds
        let embedStart = clock.now
        let paddings = pending.map { $0.stored.foregroundTrim().background ?? RGBColor(r: 255, g: 255, b: 255) }
        let embeddings = try await embedder.embed(pending.map(\.stored), paddings: paddings)
        seconds["embed"] = (clock.now - embedStart).seconds
        if productPhoto, categorizer == nil {
            try name(&pending[0], logits: embeddings[0].logits, assessed)
        }
        let storeStart = clock.now
        // A person's garments through the street projection where there is one; a product photo as the catalog's are.
        var vectors = embeddings.map(\.vector)
        if let streetProjection, !productPhoto {
            let features = Matrix(stacking: embeddings.map(\.features))
            let projected = streetProjection.apply(features)
            vectors = (0..<projected.rows).map { Array(projected.row($0)) }
        }
        var articles: [LookArticle] = []
        for (index, article) in pending.enumerated() {
            guard let superCategory = article.superCategory else { continue }
            let category = article.category ?? cropper.classifier.classify(logits: embeddings[index].logits, superCategory: superCategory).category
            articles.append(LookArticle(
                ordinal: index, superCategory: superCategory, category: category, box: article.box,
                score: min(1, max(0, article.score)), cropKey: try await store?.put(article.bytes), vector: vectors[index]))
        }
        seconds["crop", default: 0] += (clock.now - storeStart).seconds
        let person = assessed.assessment.verdict != .noPerson
        return LookAnalysis(
            verdict: assessed.assessment.verdict, verdictReason: assessed.assessment.reason,
            imageWidth: image.width, imageHeight: image.height, articles: articles,
            notInView: person ? assessed.notInView : [],
            modelVersion: embedder.modelVersion, stageSeconds: seconds)
    }

    /// Names a product photo's article from the most probable garment class of any super-category.
    /// - Throws: ``LookInputError/nothingToSearch(_:)`` when no garment class is probable.
    private func name(_ article: inout Pending, logits: [Float], _ assessed: ShopperPhotoAssessment) throws {
        guard let named = cropper.classifier.classifyAny(logits: logits) else {
            let verdict = assessed.assessment.verdict
            throw LookInputError.nothingToSearch(verdict == .noPerson
                ? "no person and no garment found in the photo"
                : "a person but no garment in view (\(assessed.notInView.map { "\($0.superCategory.rawValue): \($0.reason)" }.joined(separator: "; ")))")
        }
        article.superCategory = named.superCategory
        article.category = named.category
        article.score = Double(named.probability)
    }

    /// A crop as the catalog stores it (``CropEncoder``) and the image the embedder sees: those bytes decoded.
    private func encoded(
        _ crop: RGBImage, superCategory: SuperCategory?, box: BoundingBox, score: Double, category: String?
    ) throws -> Pending {
        let bytes = try cropEncoder.encode(crop)
        return Pending(superCategory: superCategory, box: box, score: score, category: category, bytes: bytes, stored: try decoder.decode(bytes))
    }
}
