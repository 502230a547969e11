/// The coarse garment group an article belongs to; search only compares within one.
public enum SuperCategory: String, Sendable, Codable, CaseIterable {
    /// Tops, dresses, outerwear.
    case upper
    /// Trousers, skirts, shorts.
    case lower
    /// Footwear.
    case foot
}
