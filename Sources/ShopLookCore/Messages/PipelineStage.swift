/// A processing stage of the ingestion pipeline; each has its own dead-letter topic.
public enum PipelineStage: String, Sendable, Codable, CaseIterable {
    /// Pose estimation: `new-image` → `pose-filtered`.
    case pose
    /// Article detection and cropping: `pose-filtered` → `cropped-articles`.
    case detect
    /// Embedding: `cropped-articles` → `embedded`.
    case embed
}
