/// One body landmark from the pose model (33 per person, MediaPipe BlazePose order).
public struct Landmark: Sendable, Hashable, Codable {
    /// Horizontal position in image pixels (may fall slightly outside the image).
    public var x: Double
    /// Vertical position in image pixels (may fall slightly outside the image).
    public var y: Double
    /// Depth relative to the hips, in roughly the same scale as `x`; smaller is nearer.
    public var z: Double
    /// Likelihood (0…1) that the landmark is visible, not occluded.
    public var visibility: Double
    /// Likelihood (0…1) that the landmark is inside the image.
    public var presence: Double

    /// The number of landmarks in a full pose.
    public static let countPerPose = 33

    /// Creates a landmark.
    public init(x: Double, y: Double, z: Double, visibility: Double, presence: Double) {
        self.x = x
        self.y = y
        self.z = z
        self.visibility = visibility
        self.presence = presence
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case x, y, z, visibility, presence
    }
}
