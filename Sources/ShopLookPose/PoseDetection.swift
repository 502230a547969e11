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

/// One person found by ``PoseDetector``, in image pixels.
///
/// BlazePose's detector is face-anchored: the box covers the head, not the whole person;
/// the ``roi`` derived from keypoints 0 and 1 covers the whole body (and may extend past the
/// image when the person is cut off).
public struct PoseDetection: Sendable, Hashable {
    /// Sigmoid of the model's logit, 0…1.
    public var score: Float
    public var box: PoseBox
    /// The detector's 4 keypoints: 0 = mid-hip centre, 1 = a point whose distance from 0
    /// encodes the full-body size and whose direction encodes the rotation, 2 = mid-shoulder
    /// centre, 3 = a point encoding the upper-body size.
    public var keypoints: [ImagePoint]

    public init(score: Float, box: PoseBox, keypoints: [ImagePoint]) {
        self.score = score
        self.box = box
        self.keypoints = keypoints
    }

    /// The whole-body region the landmark model is run on (see ``PoseROI/init(detection:)``).
    public var roi: PoseROI { PoseROI(detection: self) }

    /// The detection mapped point-wise by `map` (the box is re-bounded around its mapped corners).
    func mapped(_ map: (ImagePoint) -> ImagePoint) -> PoseDetection {
        let a = map(ImagePoint(x: box.minX, y: box.minY))
        let b = map(ImagePoint(x: box.maxX, y: box.maxY))
        return PoseDetection(
            score: score,
            box: PoseBox(minX: min(a.x, b.x), minY: min(a.y, b.y), maxX: max(a.x, b.x), maxY: max(a.y, b.y)),
            keypoints: keypoints.map(map))
    }
}
