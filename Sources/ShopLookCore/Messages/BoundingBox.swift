/// An axis-aligned box in image pixels, encoded in JSON as `[x0, y0, x1, y1]`.
public struct BoundingBox: Sendable, Equatable, Codable {
    /// Left edge.
    public var x0: Double
    /// Top edge.
    public var y0: Double
    /// Right edge.
    public var x1: Double
    /// Bottom edge.
    public var y1: Double

    /// Creates a box from its corners (top-left `x0, y0`, bottom-right `x1, y1`).
    public init(x0: Double, y0: Double, x1: Double, y1: Double) {
        self.x0 = x0
        self.y0 = y0
        self.x1 = x1
        self.y1 = y1
    }

    /// `x1 - x0`.
    public var width: Double { x1 - x0 }
    /// `y1 - y0`.
    public var height: Double { y1 - y0 }

    /// Intersection over union with `other` (0 when they do not overlap or either is empty).
    public func iou(_ other: BoundingBox) -> Double {
        let w = min(x1, other.x1) - max(x0, other.x0)
        let h = min(y1, other.y1) - max(y0, other.y0)
        guard w > 0, h > 0 else { return 0 }
        let intersection = w * h
        let union = max(0, width) * max(0, height) + max(0, other.width) * max(0, other.height) - intersection
        return union > 0 ? intersection / union : 0
    }

    /// Decodes a four-number array `[x0, y0, x1, y1]`.
    public init(from decoder: any Decoder) throws {
        var container = try decoder.unkeyedContainer()
        if let count = container.count, count != 4 {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "a box has exactly 4 numbers [x0, y0, x1, y1], got \(count)"
            )
        }
        x0 = try container.decode(Double.self)
        y0 = try container.decode(Double.self)
        x1 = try container.decode(Double.self)
        y1 = try container.decode(Double.self)
    }

    /// Encodes as `[x0, y0, x1, y1]`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.unkeyedContainer()
        try container.encode(x0)
        try container.encode(y0)
        try container.encode(x1)
        try container.encode(y1)
    }
}
