#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A 2×3 affine matrix acting on `ImagePoint`s (continuous pixel coordinates, y down):
///
///     x' = m00·x + m01·y + m02
///     y' = m10·x + m11·y + m12
public struct AffineTransform: Sendable, Hashable {
    public var m00, m01, m02: Double
    public var m10, m11, m12: Double

    public init(m00: Double, m01: Double, m02: Double, m10: Double, m11: Double, m12: Double) {
        self.m00 = m00
        self.m01 = m01
        self.m02 = m02
        self.m10 = m10
        self.m11 = m11
        self.m12 = m12
    }

    /// From six row-major values `[m00, m01, m02, m10, m11, m12]` (OpenCV's 2×3 layout); `nil` otherwise.
    public init?(rowMajor values: [Double]) {
        guard values.count == 6 else { return nil }
        self.init(m00: values[0], m01: values[1], m02: values[2], m10: values[3], m11: values[4], m12: values[5])
    }

    /// `[m00, m01, m02, m10, m11, m12]`.
    public var rowMajor: [Double] { [m00, m01, m02, m10, m11, m12] }

    public static let identity = AffineTransform(m00: 1, m01: 0, m02: 0, m10: 0, m11: 1, m12: 0)

    public static func translation(x: Double, y: Double) -> AffineTransform {
        AffineTransform(m00: 1, m01: 0, m02: x, m10: 0, m11: 1, m12: y)
    }

    public static func scale(x: Double, y: Double) -> AffineTransform {
        AffineTransform(m00: x, m01: 0, m02: 0, m10: 0, m11: y, m12: 0)
    }

    /// Rotation about the origin by `radians`, clockwise as seen on screen (y points down).
    /// Multiples of π/2 are exact.
    public static func rotation(radians: Double) -> AffineTransform {
        let (sine, cosine) = exactSineCosine(radians)
        return AffineTransform(m00: cosine, m01: -sine, m02: 0, m10: sine, m11: cosine, m12: 0)
    }

    /// Rotation by `radians` (clockwise on screen) about `center`.
    public static func rotation(radians: Double, around center: ImagePoint) -> AffineTransform {
        translation(x: -center.x, y: -center.y)
            .concatenating(rotation(radians: radians))
            .concatenating(translation(x: center.x, y: center.y))
    }

    /// The source → output transform that extracts a rotated rectangle (e.g. BlazePose's ROI)
    /// into an upright `outputSize` image: the rectangle of `size` centred on `center`, rotated
    /// `rotation` radians clockwise on screen (MediaPipe's `NormalizedRect.rotation` convention,
    /// in pixels), fills the output exactly. Pass it to `RGBImage.warpAffine`; use `inverted()`
    /// to map output landmarks back to the source.
    public static func rotatedRect(
        center: ImagePoint,
        width: Double,
        height: Double,
        rotation: Double,
        outputSize: ImageSize
    ) -> AffineTransform {
        translation(x: -center.x, y: -center.y)
            .concatenating(AffineTransform.rotation(radians: -rotation))
            .concatenating(scale(x: Double(outputSize.width) / width, y: Double(outputSize.height) / height))
            .concatenating(translation(x: Double(outputSize.width) / 2, y: Double(outputSize.height) / 2))
    }

    /// `self` followed by `next` (i.e. `next ∘ self`).
    public func concatenating(_ next: AffineTransform) -> AffineTransform {
        AffineTransform(
            m00: next.m00 * m00 + next.m01 * m10,
            m01: next.m00 * m01 + next.m01 * m11,
            m02: next.m00 * m02 + next.m01 * m12 + next.m02,
            m10: next.m10 * m00 + next.m11 * m10,
            m11: next.m10 * m01 + next.m11 * m11,
            m12: next.m10 * m02 + next.m11 * m12 + next.m12
        )
    }

    /// The inverse, or `nil` when the matrix is singular.
    public func inverted() -> AffineTransform? {
        let determinant = m00 * m11 - m01 * m10
        guard determinant.isFinite, abs(determinant) > 1e-12 else { return nil }
        let i00 = m11 / determinant
        let i01 = -m01 / determinant
        let i10 = -m10 / determinant
        let i11 = m00 / determinant
        return AffineTransform(
            m00: i00, m01: i01, m02: -(i00 * m02 + i01 * m12),
            m10: i10, m11: i11, m12: -(i10 * m02 + i11 * m12)
        )
    }

    /// The transformed point.
    public func apply(_ point: ImagePoint) -> ImagePoint {
        ImagePoint(x: m00 * point.x + m01 * point.y + m02, y: m10 * point.x + m11 * point.y + m12)
    }

    /// Sine and cosine with exact values at multiples of π/2.
    private static func exactSineCosine(_ radians: Double) -> (Double, Double) {
        let quarterTurns = radians / (Double.pi / 2)
        let nearest = quarterTurns.rounded()
        if abs(quarterTurns - nearest) < 1e-12 {
            switch ((Int(nearest) % 4) + 4) % 4 {
            case 0: return (0, 1)
            case 1: return (1, 0)
            case 2: return (0, -1)
            default: return (-1, 0)
            }
        }
        return (sin(radians), cos(radians))
    }
}
