import ShopLookCore
import ShopLookImaging

/// What the pose verdict is decided from, as plain numbers that can be written to disk: a ``PoseResult``
/// without its segmentation mask.
///
/// Training and cross-validating the learned verdict reads thousands of photos through BlazePose; keeping the
/// observations (a cache file, one per data set) lets the features and the classifier change without running
/// the models again. ``result`` rebuilds a ``PoseResult`` that the rules and ``PoseFeatures`` read exactly as
/// they read the live one.
public struct PoseObservation: Sendable, Hashable, Codable {
    /// One detection: score, face box `[minX, minY, maxX, maxY]`, keypoints `[[x, y]] × 4`.
    public struct Detection: Sendable, Hashable, Codable {
        public var score: Float
        public var box: [Double]
        public var keypoints: [[Double]]
    }

    public var detections: [Detection]
    public var detectionScore: Double
    public var presenceScore: Double
    public var landmarks: [Landmark]?
    /// `[centerX, centerY, size, rotation]` of the ROI the landmarks were computed in.
    public var roi: [Double]?
    /// `[minX, minY, maxX, maxY]`.
    public var personBox: [Double]?
    public var imageWidth: Int
    public var imageHeight: Int

    public init(_ result: PoseResult) {
        detections = result.detections.map { detection in
            Detection(
                score: detection.score, box: [detection.box.minX, detection.box.minY, detection.box.maxX, detection.box.maxY],
                keypoints: detection.keypoints.map { [$0.x, $0.y] })
        }
        detectionScore = result.detectionScore
        presenceScore = result.presenceScore
        landmarks = result.landmarks
        roi = result.roi.map { [$0.center.x, $0.center.y, $0.size, $0.rotation] }
        personBox = result.personBox.map { [$0.minX, $0.minY, $0.maxX, $0.maxY] }
        imageWidth = result.imageWidth
        imageHeight = result.imageHeight
    }

    /// The observation as a ``PoseResult`` (no mask). Malformed arrays (a hand-edited file) come back as absent.
    public var result: PoseResult {
        func box(_ values: [Double]?) -> PoseBox? {
            guard let values, values.count == 4 else { return nil }
            return PoseBox(minX: values[0], minY: values[1], maxX: values[2], maxY: values[3])
        }
        let detections = self.detections.compactMap { detection -> PoseDetection? in
            guard let face = box(detection.box) else { return nil }
            let points = detection.keypoints.filter { $0.count == 2 }.map { ImagePoint(x: $0[0], y: $0[1]) }
            return PoseDetection(score: detection.score, box: face, keypoints: points)
        }
        let roi = self.roi.flatMap { values in
            values.count == 4 ? PoseROI(center: ImagePoint(x: values[0], y: values[1]), size: values[2], rotation: values[3]) : nil
        }
        return PoseResult(
            detections: detections, detectionScore: detectionScore, landmarks: landmarks, roi: roi, personBox: box(personBox),
            presenceScore: presenceScore, mask: nil, imageWidth: imageWidth, imageHeight: imageHeight)
    }
}
