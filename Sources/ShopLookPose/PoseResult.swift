import ShopLookCore
/// The pose stage's answer for one image (all coordinates in displayed-image pixels).
public struct PoseResult: Sendable, Hashable {
    /// Number of people the detector found (after NMS).
    public var people: Int { detections.count }
    /// Every detection, best score first.
    public var detections: [PoseDetection]
    /// The detector's score for the person the landmarks belong to (0 when nobody was found).
    /// The detector is face-anchored: garments alone, which the landmark model sometimes reads
    /// as a confident pose, score low here.
    public var detectionScore: Double
    /// The 33 landmarks of the largest person (largest ROI), or `nil` when nobody was found.
    public var landmarks: [Landmark]?
    /// The ROI the landmarks were computed in.
    public var roi: PoseROI?
    /// Axis-aligned bounds of the landmarks whose presence is ≥ 0.5, clipped to the image
    /// (`nil` without landmarks or when none is present).
    public var personBox: PoseBox?
    /// The landmark model's pose-presence probability (0 when nobody was found).
    public var presenceScore: Double
    /// The person segmentation, when requested.
    public var mask: PoseMask?
    /// The displayed image's size.
    public var imageWidth: Int
    public var imageHeight: Int

    public init(detections: [PoseDetection], detectionScore: Double, landmarks: [Landmark]?, roi: PoseROI?, personBox: PoseBox?,
                presenceScore: Double, mask: PoseMask?, imageWidth: Int, imageHeight: Int) {
        self.detections = detections
        self.detectionScore = detectionScore
        self.landmarks = landmarks
        self.roi = roi
        self.personBox = personBox
        self.presenceScore = presenceScore
        self.mask = mask
        self.imageWidth = imageWidth
        self.imageHeight = imageHeight
    }
}
