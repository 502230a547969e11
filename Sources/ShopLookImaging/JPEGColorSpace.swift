/// The colour space of the JPEG's coded components, as libjpeg-turbo reports it.
public enum JPEGColorSpace: String, Sendable, Hashable, CaseIterable {
    case rgb
    case yCbCr
    case gray
    case cmyk
    case ycck

    /// Number of coded components (1, 3 or 4).
    public var componentCount: Int {
        switch self {
        case .gray: 1
        case .rgb, .yCbCr: 3
        case .cmyk, .ycck: 4
        }
    }
}
