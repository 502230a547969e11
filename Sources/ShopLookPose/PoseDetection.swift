import ShopLookImaging

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
