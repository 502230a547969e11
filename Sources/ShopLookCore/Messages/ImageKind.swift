/// What an image shows, as decided by the pose stage.
public enum ImageKind: String, Sendable, Codable, CaseIterable {
    /// A person wearing the garments.
    case person
    /// A product shot without a person (flat lay, packshot).
    case product
}
