import ShopLookBlobStore
import ShopLookCore
import ShopLookImaging
import ShopLookPipeline
import ShopLookPose
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
    /// Seconds per step: decode, pose, locate, crop (cut, name and store), embed.
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
/// (``VisibleArticles``: an upper-body photo gives upper wear, a full-body photo all three), crops named from the
/// ImageNet classes and stored like the catalog's (``CropEncoder``), then embedded from the stored bytes with the
/// catalog's embedder, so that a look's vectors compare with the catalog's.
///
/// A photo without a person is a product photo: one article, the image trimmed to its foreground and named from the
/// ImageNet classes. A person with no garment in view is tried the same way. Only a photo with no person and no
/// recognisable garment is ``LookInputError/nothingToSearch(_:)``.
public struct LookAnalyzer: Sendable {
    public let pose: PoseService
    /// Names the crops (centre-crop views, no projection: the least work).
    public let categorizer: ImageEmbedder
    /// The catalog's embedder (same framing and projection as the embed stage).
    public let embedder: ImageEmbedder
    let store: (any BlobStore)?
    let cropper = ArticleCropper()
    let cropEncoder = CropEncoder()
    let decoder = ImageDecoder()

    /// - Parameter store: where crops go (a look's page shows them); `nil` keeps them in memory only.
    public init(pose: PoseService, categorizer: ImageEmbedder, embedder: ImageEmbedder, store: (any BlobStore)?) {
        self.pose = pose
        self.categorizer = categorizer
        self.embedder = embedder
        self.store = store
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
        var found = try await cropper.articles(in: image, regions: assessed.assessment.regions, embedder: categorizer)
        if found.isEmpty, let product = try await cropper.productArticle(in: image, superCategory: nil, category: nil, embedder: categorizer) {
            found = [product]
        }
        guard !found.isEmpty else {
            let verdict = assessed.assessment.verdict
            throw LookInputError.nothingToSearch(verdict == .noPerson
                ? "no person and no garment found in the photo"
                : "a person but no garment in view (\(assessed.notInView.map { "\($0.superCategory.rawValue): \($0.reason)" }.joined(separator: "; ")))")
        }
        var stored: [(key: BlobKey?, image: RGBImage)] = []
        for article in found {
            let bytes = try cropEncoder.encode(article.crop)
            let key = try await store?.put(bytes)
            stored.append((key, try decoder.decode(bytes)))
        }
        seconds["crop"] = (clock.now - cropStart).seconds
        let embedStart = clock.now
        let paddings = stored.map { $0.image.foregroundTrim().background ?? RGBColor(r: 255, g: 255, b: 255) }
        let embeddings = try await embedder.embed(stored.map(\.image), paddings: paddings)
        seconds["embed"] = (clock.now - embedStart).seconds
        let articles = found.enumerated().map { index, article in
            LookArticle(
                ordinal: index, superCategory: article.superCategory, category: article.category, box: article.box,
                score: min(1, max(0, article.score)), cropKey: stored[index].key, vector: embeddings[index].vector)
        }
        let person = assessed.assessment.verdict != .noPerson
        return LookAnalysis(
            verdict: assessed.assessment.verdict, verdictReason: assessed.assessment.reason,
            imageWidth: image.width, imageHeight: image.height, articles: articles,
            notInView: person ? assessed.notInView : [],
            modelVersion: embedder.modelVersion, stageSeconds: seconds)
    }
}
