#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ShopLookImaging

/// The rotated square the landmark model sees, in image pixels: MediaPipe's pose
/// detection-to-ROI (`AlignmentPointsRectsCalculator` + `RectTransformationCalculator`).
public struct PoseROI: Sendable, Hashable {
    public var center: ImagePoint
    /// Side of the square, in image pixels.
    public var size: Double
    /// Radians, clockwise on screen (MediaPipe's `NormalizedRect.rotation`); 0 = upright person.
    public var rotation: Double

    public init(center: ImagePoint, size: Double, rotation: Double) {
        self.center = center
        self.size = size
        self.rotation = rotation
    }

    /// Enlargement applied to the keypoint-derived square (`scale_x = scale_y = 1.25`).
    public static let scale = 1.25

    /// From the detector's keypoints 0 (hip centre) and 1 (size/rotation point):
    /// centre = kp0, side = 2·|kp1 − kp0| × 1.25, rotation = 90° − atan2(−(y1 − y0), x1 − x0)
    /// normalised to [−π, π). The square is already square in pixels, so MediaPipe's
    /// `square_long` step changes nothing.
    public init(detection: PoseDetection) {
        let p0 = detection.keypoints[0], p1 = detection.keypoints[1]
        let dx = p1.x - p0.x, dy = p1.y - p0.y
        let side = 2 * (dx * dx + dy * dy).squareRoot()
        self.init(center: p0, size: side * Self.scale,
                  rotation: Self.normalizedRadians(Double.pi / 2 - atan2(-dy, dx)))
    }

    /// The image → ROI-crop transform for a `side × side` crop (pass to `warpAffine`).
    public func transform(outputSide side: Int) -> AffineTransform {
        .rotatedRect(center: center, width: size, height: size, rotation: rotation,
                     outputSize: ImageSize(width: side, height: side))
    }

    /// `angle` wrapped into [−π, π).
    static func normalizedRadians(_ angle: Double) -> Double {
        angle - 2 * Double.pi * ((angle + Double.pi) / (2 * Double.pi)).rounded(.down)
    }
}
