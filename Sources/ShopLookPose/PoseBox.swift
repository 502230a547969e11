import ShopLookImaging

/// An axis-aligned box in continuous image coordinates (`ImagePoint` convention).
public struct PoseBox: Sendable, Hashable, CustomStringConvertible {
    public var minX: Double
    public var minY: Double
    public var maxX: Double
    public var maxY: Double

    public init(minX: Double, minY: Double, maxX: Double, maxY: Double) {
        self.minX = minX
        self.minY = minY
        self.maxX = maxX
        self.maxY = maxY
    }

    public var width: Double { max(0, maxX - minX) }
    public var height: Double { max(0, maxY - minY) }
    public var area: Double { width * height }
    public var center: ImagePoint { ImagePoint(x: (minX + maxX) / 2, y: (minY + maxY) / 2) }

    /// Intersection over union (0 when either box is empty).
    public func iou(_ other: PoseBox) -> Double {
        let w = min(maxX, other.maxX) - max(minX, other.minX)
        let h = min(maxY, other.maxY) - max(minY, other.minY)
        guard w > 0, h > 0 else { return 0 }
        let intersection = w * h
        let union = area + other.area - intersection
        return union > 0 ? intersection / union : 0
    }

    public var description: String {
        func f(_ v: Double) -> String { String(Int(v.rounded())) }
        return "[\(f(minX)), \(f(minY)) – \(f(maxX)), \(f(maxY))]"
    }
}
