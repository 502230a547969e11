import ShopLookCore
import ShopLookImaging

/// The person crop the garment parser reads and the body-relative position of each of its cells.
///
/// The crop is the box of the landmarks BlazePose places (presence ≥ 0.5), widened by `side`·T left and right,
/// `top`·T above (hair and hats are above the eyes) and `bottom`·T below the feet, T being the torso height
/// (mid-shoulder to mid-hip); then the narrower side grows about the centre until height = 2 × width, the
/// backbone's input shape (384 × 192). It may extend past the photo: that part is mid-grey.
///
/// The backbone's stride-8 map divides the crop into 48 × 24 cells. Each cell also gets its position relative to
/// the body (in T): horizontally from the body's middle (signed and absolute), vertically from the shoulders,
/// hips, knees, ankles, the lowest foot landmark and the nose, and its distance to each wrist, knee and ankle.
/// With them the classifier knows where a garment can be (a shoe is at the feet), and the features say what it is.
public struct ParserFrame: Sendable, Equatable {
    public static let inputWidth = 192
    public static let inputHeight = 384
    public static let gridWidth = 24
    public static let gridHeight = 48
    public static let cellCount = gridWidth * gridHeight
    public static let positionFeatureCount = 14

    public static let side = 0.35
    public static let top = 0.6
    public static let bottom = 0.3

    /// The crop in image pixels (may extend past the image).
    public let box: BoundingBox
    /// The torso height in image pixels.
    public let torso: Double
    let landmarks: [Landmark]

    /// The frame of the person whose 33 landmarks are given; `nil` without a usable torso (fewer than 33
    /// landmarks, or shoulders and hips less than a pixel apart).
    public init?(landmarks: [Landmark]) {
        guard landmarks.count >= PoseLandmarkIndex.bodyCount else { return nil }
        let lm = landmarks
        let shoulderX = (lm[.leftShoulder].x + lm[.rightShoulder].x) / 2, shoulderY = (lm[.leftShoulder].y + lm[.rightShoulder].y) / 2
        let hipX = (lm[.leftHip].x + lm[.rightHip].x) / 2, hipY = (lm[.leftHip].y + lm[.rightHip].y) / 2
        let torso = ((shoulderX - hipX) * (shoulderX - hipX) + (shoulderY - hipY) * (shoulderY - hipY)).squareRoot()
        guard torso >= 1, torso.isFinite else { return nil }
        let placed = lm.prefix(PoseLandmarkIndex.bodyCount).filter { $0.presence >= 0.5 && $0.x.isFinite && $0.y.isFinite }
        let points = placed.isEmpty ? Array(lm.prefix(PoseLandmarkIndex.bodyCount)) : placed
        var x0 = points.map(\.x).min()! - Self.side * torso, x1 = points.map(\.x).max()! + Self.side * torso
        var y0 = points.map(\.y).min()! - Self.top * torso, y1 = points.map(\.y).max()! + Self.bottom * torso
        let centreX = (x0 + x1) / 2, centreY = (y0 + y1) / 2
        let width = max(x1 - x0, (y1 - y0) / 2), height = 2 * width
        x0 = centreX - width / 2
        x1 = centreX + width / 2
        y0 = centreY - height / 2
        y1 = centreY + height / 2
        self.box = BoundingBox(x0: x0, y0: y0, x1: x1, y1: y1)
        self.torso = torso
        self.landmarks = Array(lm.prefix(PoseLandmarkIndex.bodyCount))
    }

    /// Image pixels → crop pixels (the backbone's 192 × 384 input).
    public var imageToCrop: AffineTransform {
        let sx = Double(Self.inputWidth) / (box.x1 - box.x0), sy = Double(Self.inputHeight) / (box.y1 - box.y0)
        return AffineTransform(m00: sx, m01: 0, m02: -box.x0 * sx, m10: 0, m11: sy, m12: -box.y0 * sy)
    }

    /// The crop, resampled from the photo (mid-grey outside it).
    public func crop(_ image: RGBImage) throws(ImageError) -> RGBImage {
        try image.warpAffine(
            imageToCrop, outputSize: ImageSize(width: Self.inputWidth, height: Self.inputHeight), border: RGBColor(r: 127, g: 127, b: 127))
    }

    /// A point of the crop's grid (`column`, `row` in cells, fractional) in image pixels.
    public func imagePoint(column: Double, row: Double) -> ImagePoint {
        ImagePoint(
            x: box.x0 + column / Double(Self.gridWidth) * (box.x1 - box.x0),
            y: box.y0 + row / Double(Self.gridHeight) * (box.y1 - box.y0))
    }

    /// `positionFeatureCount` values per cell, cells row by row.
    public func positionFeatures() -> [Float] {
        let lm = landmarks
        let middle = (lm[.leftShoulder].x + lm[.rightShoulder].x + lm[.leftHip].x + lm[.rightHip].x) / 4
        let lines = [
            (lm[.leftShoulder].y + lm[.rightShoulder].y) / 2, (lm[.leftHip].y + lm[.rightHip].y) / 2,
            (lm[.leftKnee].y + lm[.rightKnee].y) / 2, (lm[.leftAnkle].y + lm[.rightAnkle].y) / 2,
            [PoseLandmarkIndex.leftHeel, .rightHeel, .leftFootIndex, .rightFootIndex].map { lm[$0].y }.max()!, lm[.nose].y,
        ]
        let joints: [PoseLandmarkIndex] = [.leftWrist, .rightWrist, .leftKnee, .rightKnee, .leftAnkle, .rightAnkle]
        var features = [Float](repeating: 0, count: Self.cellCount * Self.positionFeatureCount)
        for row in 0..<Self.gridHeight {
            for column in 0..<Self.gridWidth {
                let centre = imagePoint(column: Double(column) + 0.5, row: Double(row) + 0.5)
                var offset = (row * Self.gridWidth + column) * Self.positionFeatureCount
                func put(_ value: Double) {
                    features[offset] = Float(value / torso)
                    offset += 1
                }
                put(centre.x - middle)
                put(abs(centre.x - middle))
                for line in lines { put(centre.y - line) }
                for joint in joints {
                    put(((centre.x - lm[joint].x) * (centre.x - lm[joint].x) + (centre.y - lm[joint].y) * (centre.y - lm[joint].y)).squareRoot())
                }
            }
        }
        return features
    }
}
