import Foundation
import ShopLookCore
import ShopLookImaging
import ShopLookRuntimes

/// A pose verdict with what it was decided from.
public struct PoseAssessment: Sendable {
    public var result: PoseResult
    public var verdict: PoseVerdict
    /// Why (for example "not seen: feet").
    public var reason: String
    /// Where the articles are, for `full_front` (empty otherwise).
    public var regions: [ArticleRegion]

    /// The box around the landmarks BlazePose places inside the image (presence ≥ 0.5), clamped to it
    /// (``PoseResult/personBox``, as the catalog's ``BoundingBox``).
    public var personBox: BoundingBox? {
        result.personBox.map { BoundingBox(x0: $0.minX, y0: $0.minY, x1: $0.maxX, y1: $0.maxY) }
    }
}

/// A shopper's photo as the pose model sees it: the decoded image, the verdict and the articles in view whatever
/// the verdict (a shopper's photo may show the upper body only), with the time each step took.
public struct ShopperPhotoAssessment: Sendable {
    public var image: RGBImage
    /// `regions` holds the articles in view (none for `no_person`).
    public var assessment: PoseAssessment
    /// The articles not in view, with why.
    public var notInView: [(superCategory: SuperCategory, reason: String)]
    public var decodeSeconds: Double
    public var poseSeconds: Double
    public var locateSeconds: Double
}

/// BlazePose on a dedicated thread, for concurrent callers (the pose stage, query jobs).
public actor PoseService {
    /// `blazepose-full@` and the first 12 hex digits of the SHA-256 of both model files.
    public nonisolated let modelVersion: String
    private let executor: DedicatedThreadExecutor
    private let estimator: PoseEstimator
    private let rules: PoseVerdictRules
    private let boxes: ArticleBoxes
    /// How article boxes are placed: `garment-parser@…` or `pose-guided`.
    public nonisolated let articleBoxMethod: String
    /// Why the garment parser is not used though it was asked for automatically (no weights, other backbone).
    public nonisolated let articleBoxFallback: String?
    /// The verdict: the learned network in the models folder when present, else `rules` (``PoseVerdictPolicy``).
    private let policy: PoseVerdictPolicy
    /// `learned` or `rules`: which verdict this service gives.
    public nonisolated let verdictKind: String

    public nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    public init(
        files: ModelFiles, rules: PoseVerdictRules = PoseVerdictRules(), locator: ArticleLocator = ArticleLocator(),
        articleBoxes: ArticleBoxChoice = .automatic, decoder: ImageDecoder = ImageDecoder(), policy: PoseVerdictPolicy? = nil
    ) throws(PoseError) {
        var hasher = SHA256()
        do throws(RuntimeError) {
            for url in [try files.poseDetector, try files.poseLandmarks] {
                guard let data = FileManager.default.contents(atPath: url.path) else {
                    throw RuntimeError.fileMissing(path: url.path, hint: RuntimeError.fetchModelsHint)
                }
                hasher.update([UInt8](data))
            }
        } catch {
            throw .runtime(error)
        }
        estimator = try PoseEstimator(files: files, includeMask: true)
        estimator.decoder = decoder
        self.rules = rules
        do {
            boxes = try ArticleBoxes(files: files, choice: articleBoxes, locator: locator)
        } catch {
            throw PoseError(error)
        }
        articleBoxMethod = boxes.method
        articleBoxFallback = boxes.fallbackReason
        self.policy = policy ?? PoseVerdictPolicy.locate(in: files, rules: rules)
        verdictKind = self.policy.kind
        modelVersion = "blazepose-full@" + String(hasher.finalize().hexString.prefix(12))
        executor = DedicatedThreadExecutor(name: "pose")
    }

    deinit {
        executor.shutdown()
    }

    /// Decodes JPEG (EXIF-oriented) or PNG bytes, runs BlazePose, gives the verdict (``PoseVerdictPolicy``) and, for full-body frontal
    /// shots, locates the articles.
    public func assess(encoded: [UInt8]) throws(PoseError) -> PoseAssessment {
        let image = try estimator.decode(encoded)
        let result = try estimator.estimate(image)
        let (verdict, reason) = policy.assess(result)
        return PoseAssessment(
            result: result, verdict: verdict, reason: reason, regions: verdict == .fullFront ? try locate(result, image: image) : [])
    }

    private func locate(_ result: PoseResult, image: RGBImage) throws(PoseError) -> [ArticleRegion] {
        var absent: [SuperCategory: String] = [:]
        return try locate(result, image: image, absent: &absent)
    }

    private func locate(_ result: PoseResult, image: RGBImage, absent: inout [SuperCategory: String]) throws(PoseError) -> [ArticleRegion] {
        do {
            return try boxes.locate(result, image: image, absent: &absent)
        } catch {
            throw PoseError(error)
        }
    }

    /// Decodes a shopper's photo, runs BlazePose and finds the articles in view (``VisibleArticles``): every
    /// verdict but `no_person` may have some.
    public func assessShopperPhoto(encoded: [UInt8]) throws(PoseError) -> ShopperPhotoAssessment {
        let clock = ContinuousClock()
        let start = clock.now
        let image = try estimator.decode(encoded)
        let decoded = clock.now
        let result = try estimator.estimate(image)
        let estimated = clock.now
        let (verdict, reason) = policy.assess(result)
        var absent: [SuperCategory: String] = [:]
        let visible = verdict == .noPerson
            ? VisibleArticles(regions: [], notInView: SuperCategory.allCases.map { ($0, "no person") })
            : VisibleArticles(result, located: try locate(result, image: image, absent: &absent), absent: absent, rules: rules)
        return ShopperPhotoAssessment(
            image: image, assessment: PoseAssessment(result: result, verdict: verdict, reason: reason, regions: visible.regions),
            notInView: visible.notInView, decodeSeconds: (decoded - start).seconds, poseSeconds: (estimated - decoded).seconds,
            locateSeconds: (clock.now - estimated).seconds)
    }
}
