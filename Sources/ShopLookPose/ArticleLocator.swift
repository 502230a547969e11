import ShopLookCore
import ShopLookImaging

/// Pose-guided article boxes: upper wear, lower wear and footwear of the person in a ``PoseResult``.
///
/// Every offset is in units of the person's torso height `T` (mid-shoulder to mid-hip), so the rules hold at any
/// scale. The pose gives the frame; the person mask (when the result carries one) tightens it:
///
/// - **upper**: shoulders − `upperTop`·T down to the lower hip + `upperBottom`·T; horizontally the shoulders ±
///   `upperSide`·T, then replaced by the columns within `maskSearch`·T of that where at least `maskColumnShare`
///   of the rows belong to the person (arms in sleeves widen it, background narrows it).
/// - **lower**: hips − `lowerTop`·T (the waistband sits above the hip joints) down to the lower ankle −
///   `lowerBottom`·T; hips ± `lowerSide`·T. Not mask-tightened: at hip height the mask also holds hands and bags.
///   With the image, the bottom moves up to `hemMargin`·T below the hemline ``HemlineFinder`` finds where the legs
///   show skin (shorts, skirts, cropped trousers).
/// - **foot**: from the higher ankle down; horizontally the ankle, heel and toe landmarks ± `footSide`·T, the
///   bottom `footBottom`·T below the lowest of them; with a mask, the columns and the last row of person pixels
///   (at least `maskMinimumPixels` each) in that region widened by `footSearch`·T.
///
/// The offsets are about the medians of the distance between ground-truth boxes and the landmarks, measured on the
/// even-numbered half of `ccp/` (see `shoplook eval articles`).
///
/// Known limits: skirts over tights or stockings get boxes that run to the ankles (no skin shows), a dress
/// still gets a lower-wear box, and its upper-wear box ends at the hips.
public struct ArticleLocator: Sendable, Hashable {
    public var upperTop = 0.19
    public var upperBottom = 0.16
    public var upperSide = 0.19
    public var lowerTop = 0.16
    public var lowerBottom = 0.02
    public var lowerSide = 0.2
    public var footSide = 0.085
    public var footBottom = 0.08
    public var footSearch = 0.3
    public var maskSearch = 0.4
    public var maskColumnShare = 0.15
    public var maskMinimumPixels = 2
    /// Mask probability above which a pixel belongs to the person.
    public var maskThreshold: Float = 0.5
    /// Lower wear ends this far (in T) below the hemline.
    public var hemMargin = 0.05
    /// Where the legs show skin (read only when `locate` is given the image).
    public var hemline = HemlineFinder()

    public init() {}

    /// The regions for the person in `result`, in the order upper, lower, foot; empty without landmarks.
    /// Boxes that clip to nothing are left out. `image` is the photo `result` was estimated on (pose and mask
    /// only without it, or when its size differs).
    public func locate(_ result: PoseResult, image: RGBImage? = nil) -> [ArticleRegion] {
        guard let lm = result.landmarks, lm.count >= PoseLandmarkIndex.bodyCount else { return [] }
        let width = Double(result.imageWidth), height = Double(result.imageHeight)
        func xs(_ indices: [PoseLandmarkIndex]) -> [Double] { indices.map { lm[$0].x } }
        func ys(_ indices: [PoseLandmarkIndex]) -> [Double] { indices.map { lm[$0].y } }
        func score(_ indices: [PoseLandmarkIndex]) -> Double { indices.map { lm[$0].visibility }.min() ?? 0 }
        let shoulders: [PoseLandmarkIndex] = [.leftShoulder, .rightShoulder]
        let hips: [PoseLandmarkIndex] = [.leftHip, .rightHip]
        let ankles: [PoseLandmarkIndex] = [.leftAnkle, .rightAnkle]
        let feet: [PoseLandmarkIndex] = [.leftAnkle, .rightAnkle, .leftHeel, .rightHeel, .leftFootIndex, .rightFootIndex]
        let midShoulder = ImagePoint(x: xs(shoulders).reduce(0, +) / 2, y: ys(shoulders).reduce(0, +) / 2)
        let midHip = ImagePoint(x: xs(hips).reduce(0, +) / 2, y: ys(hips).reduce(0, +) / 2)
        let torso = ((midShoulder.x - midHip.x) * (midShoulder.x - midHip.x) + (midShoulder.y - midHip.y) * (midShoulder.y - midHip.y)).squareRoot()
        guard torso > 1 else { return [] }
        let mask = result.mask.map { MaskSampler(mask: $0, threshold: maskThreshold, width: result.imageWidth, height: result.imageHeight) }

        var upper = BoundingBox(
            x0: xs(shoulders).min()! - upperSide * torso, y0: ys(shoulders).min()! - upperTop * torso,
            x1: xs(shoulders).max()! + upperSide * torso, y1: ys(hips).max()! + upperBottom * torso)
        if let mask, let columns = mask.columns(
            x0: upper.x0 - maskSearch * torso, x1: upper.x1 + maskSearch * torso, y0: upper.y0, y1: upper.y1, minimumShare: maskColumnShare) {
            upper.x0 = columns.lowerBound
            upper.x1 = columns.upperBound
        }
        var lower = BoundingBox(
            x0: xs(hips).min()! - lowerSide * torso, y0: ys(hips).min()! - lowerTop * torso,
            x1: xs(hips).max()! + lowerSide * torso, y1: ys(ankles).max()! - lowerBottom * torso)
        if let image, image.width == result.imageWidth, image.height == result.imageHeight,
           let hem = hemline.hemline(in: image, landmarks: lm, torso: torso) {
            lower.y1 = min(lower.y1, hem + hemMargin * torso)
        }
        var foot = BoundingBox(
            x0: xs(feet).min()! - footSide * torso, y0: ys(ankles).min()!,
            x1: xs(feet).max()! + footSide * torso, y1: ys(feet).max()! + footBottom * torso)
        if let mask, let extent = mask.extent(
            x0: xs(feet).min()! - footSearch * torso, x1: xs(feet).max()! + footSearch * torso,
            y0: ys(ankles).min()!, y1: ys(feet).max()! + footSearch * torso, minimumPixels: maskMinimumPixels) {
            foot.x0 = extent.x0
            foot.x1 = extent.x1
            foot.y1 = extent.y1
        }
        let regions = [
            ArticleRegion(superCategory: .upper, box: upper, score: score(shoulders + hips)),
            ArticleRegion(superCategory: .lower, box: lower, score: score(hips + ankles)),
            ArticleRegion(superCategory: .foot, box: foot, score: feet.map { lm[$0].visibility }.max() ?? 0),
        ]
        return regions.compactMap { region in
            var clipped = region
            clipped.box = BoundingBox(
                x0: min(max(region.box.x0, 0), width), y0: min(max(region.box.y0, 0), height),
                x1: min(max(region.box.x1, 0), width), y1: min(max(region.box.y1, 0), height))
            return clipped.box.width >= 1 && clipped.box.height >= 1 ? clipped : nil
        }
    }
}

/// The person mask read on the image's pixel grid (pixel centres), within regions clipped to the image.
struct MaskSampler {
    let mask: PoseMask
    let threshold: Float
    let width: Int
    let height: Int

    private func pixelRange(_ lower: Double, _ upper: Double, limit: Int) -> Range<Int>? {
        let start = max(0, Int(lower.rounded(.down))), end = min(limit, Int(upper.rounded(.up)))
        return start < end ? start..<end : nil
    }

    private func isPerson(_ x: Int, _ y: Int) -> Bool {
        mask.probability(at: ImagePoint(x: Double(x) + 0.5, y: Double(y) + 0.5)) > threshold
    }

    /// The span from the first to the last column in which at least `minimumShare` of the rows
    /// `y0..<y1` are person pixels; `nil` when none is.
    func columns(x0: Double, x1: Double, y0: Double, y1: Double, minimumShare: Double) -> ClosedRange<Double>? {
        guard let cols = pixelRange(x0, x1, limit: width), let rows = pixelRange(y0, y1, limit: height) else { return nil }
        let needed = minimumShare * Double(rows.count)
        let kept = cols.filter { x in Double(rows.reduce(0) { $0 + (isPerson(x, $1) ? 1 : 0) }) > needed }
        guard let first = kept.first, let last = kept.last else { return nil }
        return Double(first)...Double(last + 1)
    }

    /// Left, right and bottom edges of the person pixels in a region: columns and rows that hold at least
    /// `minimumPixels` of them; `nil` when there are none.
    func extent(x0: Double, x1: Double, y0: Double, y1: Double, minimumPixels: Int) -> BoundingBox? {
        guard let cols = pixelRange(x0, x1, limit: width), let rows = pixelRange(y0, y1, limit: height) else { return nil }
        var columnCounts = [Int](repeating: 0, count: cols.count)
        var lastRow: Int?
        for y in rows {
            var count = 0
            for x in cols where isPerson(x, y) {
                columnCounts[x - cols.lowerBound] += 1
                count += 1
            }
            if count >= minimumPixels { lastRow = y }
        }
        guard let lastRow,
              let first = columnCounts.firstIndex(where: { $0 >= minimumPixels }),
              let last = columnCounts.lastIndex(where: { $0 >= minimumPixels }) else { return nil }
        return BoundingBox(x0: Double(cols.lowerBound + first), y0: Double(rows.lowerBound),
                           x1: Double(cols.lowerBound + last + 1), y1: Double(lastRow + 1))
    }
}
