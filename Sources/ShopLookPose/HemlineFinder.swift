import Foundation
import ShopLookCore
import ShopLookImaging

/// Where the lower wear ends on the legs: the first stretch of bare skin below the hips (shorts, skirts, dresses
/// and cropped trousers end there; trousers, tights and floor-length skirts show none).
///
/// - **Skin colour** comes from the person's own face: the median CIELAB colour of a square between the nose and
///   the mouth, `facePatch` × the mouth's width on each side.
/// - **Each leg** is read at `samples` points evenly spaced along hip → knee → ankle; a point's colour is the
///   median over a square `windowRadius`·T on each side (T: torso height).
/// - A point is **skin** when its chroma distance to the face (CIELAB a*, b*) plus `lightnessWeight` × the
///   lightness difference is below `maximumDistance`.
/// - The **hemline** is the first point, at least `start` of the way down the legs, where either leg is skin for
///   `run` of the leg's length in a row (one leg may be hidden by a bag or the other leg).
///
/// The thresholds were set on the even-numbered half of `ccp/` (see `shoplook eval articles --split`).
public struct HemlineFinder: Sendable, Hashable {
    public var samples = 51
    public var windowRadius = 0.04
    public var facePatch = 0.6
    public var maximumDistance = 8.0
    public var lightnessWeight = 0.15
    public var start = 0.2
    public var run = 0.1

    public init() {}

    /// The image row of the hemline, or `nil` when the legs show no skin (or the face cannot be read).
    /// `landmarks` are BlazePose's 33 body landmarks in `image`'s pixels; `torso` is the torso height in pixels.
    public func hemline(in image: RGBImage, landmarks lm: [Landmark], torso: Double) -> Double? {
        guard lm.count >= PoseLandmarkIndex.bodyCount, samples >= 2, torso > 0 else { return nil }
        let reader = LabReader(image: image)
        let nose = lm[.nose], mouthLeft = lm[.mouthLeft], mouthRight = lm[.mouthRight]
        let mouthWidth = max(4, abs(mouthLeft.x - mouthRight.x))
        let faceCentre = ImagePoint(x: (nose.x + (mouthLeft.x + mouthRight.x) / 2) / 2, y: (nose.y + (mouthLeft.y + mouthRight.y) / 2) / 2)
        guard let skin = reader.median(around: faceCentre, radius: max(2, facePatch * mouthWidth), minimumPixels: 4) else { return nil }

        let radius = max(2, windowRadius * torso)
        let legs: [[ImagePoint]] = [
            [lm[.leftHip], lm[.leftKnee], lm[.leftAnkle]], [lm[.rightHip], lm[.rightKnee], lm[.rightAnkle]],
        ].map { joints in Self.evenlySpaced(joints.map { ImagePoint(x: $0.x, y: $0.y) }, count: samples) }
        let isSkin: [[Bool]] = legs.map { points in
            points.map { point in
                guard let colour = reader.median(around: point, radius: radius, minimumPixels: 1) else { return false }
                let chroma = ((colour.a - skin.a) * (colour.a - skin.a) + (colour.b - skin.b) * (colour.b - skin.b)).squareRoot()
                return chroma + lightnessWeight * abs(colour.l - skin.l) < maximumDistance
            }
        }
        let length = Int(run * Double(samples - 1))
        let first = Int(start * Double(samples - 1))
        guard first + length < samples else { return nil }
        for index in first..<(samples - length) where (index...(index + length)).allSatisfy({ isSkin[0][$0] || isSkin[1][$0] }) {
            return max(legs[0][index].y, legs[1][index].y)
        }
        return nil
    }

    /// `count` points evenly spaced by length along the polyline through `points` (first and last included).
    static func evenlySpaced(_ points: [ImagePoint], count: Int) -> [ImagePoint] {
        let lengths = zip(points, points.dropFirst()).map { a, b in ((b.x - a.x) * (b.x - a.x) + (b.y - a.y) * (b.y - a.y)).squareRoot() }
        let total = lengths.reduce(0, +)
        return (0..<count).map { k in
            var distance = total * Double(k) / Double(count - 1)
            var segment = 0
            while segment < lengths.count - 1, distance > lengths[segment] {
                distance -= lengths[segment]
                segment += 1
            }
            let fraction = lengths[segment] > 0 ? distance / lengths[segment] : 0
            let a = points[segment], b = points[segment + 1]
            return ImagePoint(x: a.x + (b.x - a.x) * fraction, y: a.y + (b.y - a.y) * fraction)
        }
    }
}

/// A CIELAB colour (D65).
struct LabColour: Hashable {
    var l: Double
    var a: Double
    var b: Double
}

/// Median CIELAB colours of square windows of an sRGB image. Large windows are read on a grid of at most
/// `maximumSide` × `maximumSide` pixels (every second, third … pixel), so a high-resolution photo costs no more.
struct LabReader {
    let image: RGBImage
    var maximumSide = 16

    /// sRGB byte → linear light.
    static let linear: [Double] = (0..<256).map { value in
        let c = Double(value) / 255
        return c > 0.04045 ? pow((c + 0.055) / 1.055, 2.4) : c / 12.92
    }

    static func lab(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> LabColour {
        let red = linear[Int(r)], green = linear[Int(g)], blue = linear[Int(b)]
        func f(_ t: Double) -> Double { t > 0.008856 ? cbrt(t) : 7.787 * t + 16.0 / 116 }
        let x = f((0.4124 * red + 0.3576 * green + 0.1805 * blue) / 0.9505)
        let y = f(0.2126 * red + 0.7152 * green + 0.0722 * blue)
        let z = f((0.0193 * red + 0.1192 * green + 0.9505 * blue) / 1.089)
        return LabColour(l: 116 * y - 16, a: 500 * (x - y), b: 200 * (y - z))
    }

    /// The per-channel median over the pixels within `radius` of `centre` (clipped to the image); `nil` when
    /// fewer than `minimumPixels` remain.
    func median(around centre: ImagePoint, radius: Double, minimumPixels: Int) -> LabColour? {
        guard centre.x.isFinite, centre.y.isFinite, radius.isFinite else { return nil }
        let x0 = Int(max(0, centre.x - radius)), x1 = Int(min(Double(image.width), centre.x + radius + 1))
        let y0 = Int(max(0, centre.y - radius)), y1 = Int(min(Double(image.height), centre.y + radius + 1))
        guard x1 > x0, y1 > y0, (x1 - x0) * (y1 - y0) >= minimumPixels else { return nil }
        let step = max(1, (max(x1 - x0, y1 - y0) + maximumSide - 1) / maximumSide)
        var l: [Double] = [], a: [Double] = [], b: [Double] = []
        l.reserveCapacity(((x1 - x0) / step + 1) * ((y1 - y0) / step + 1))
        a.reserveCapacity(l.capacity)
        b.reserveCapacity(l.capacity)
        image.pixels.withUnsafeBufferPointer { pixels in
            for y in stride(from: y0, to: y1, by: step) {
                for x in stride(from: x0, to: x1, by: step) {
                    let offset = (y * image.width + x) * 3
                    let colour = Self.lab(pixels[offset], pixels[offset + 1], pixels[offset + 2])
                    l.append(colour.l)
                    a.append(colour.a)
                    b.append(colour.b)
                }
            }
        }
        return LabColour(l: Self.median(&l), a: Self.median(&a), b: Self.median(&b))
    }

    /// The median (the mean of the middle two for an even count) of a non-empty array; sorts it.
    static func median(_ values: inout [Double]) -> Double {
        values.sort()
        let middle = values.count / 2
        return values.count % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2
    }
}
