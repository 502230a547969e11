/// The pose stage's classification of the person in an image.
public enum PoseVerdict: String, Sendable, Codable, CaseIterable {
    /// Whole body visible, facing the camera.
    case fullFront = "full_front"
    /// Whole body visible, seen from behind.
    case fullBack = "full_back"
    /// Whole body visible, seen from the side.
    case fullSide = "full_side"
    /// Only part of the body is visible.
    case partial
    /// No person detected.
    case noPerson = "no_person"
}
