/// Where an image entered the system.
public enum ImageSource: String, Sendable, Codable, CaseIterable {
    /// A catalog (product) image to be indexed.
    case catalog
    /// A shopper's query image to be searched for.
    case query
}
