/// Resource limits enforced before decoding, from the byte count and the JPEG or PNG header alone.
///
/// The dimension limits apply to the full-resolution size declared in the header,
/// even when a reduced-size (scaled) decode is requested: libjpeg-turbo's memory
/// use for progressive images grows with the full size, and a hostile header is
/// rejected before anything is allocated.
public struct ImageLimits: Sendable, Hashable {
    /// Maximum encoded size in bytes (default 32 MiB).
    public var maxBytes: Int
    /// Maximum width × height (default 40 megapixels).
    public var maxPixels: Int
    /// Maximum width or height (default 20 000).
    public var maxSide: Int

    public init(maxBytes: Int = 32 << 20, maxPixels: Int = 40_000_000, maxSide: Int = 20_000) {
        self.maxBytes = maxBytes
        self.maxPixels = maxPixels
        self.maxSide = maxSide
    }

    public static let `default` = ImageLimits()

    /// Whether a declared width × height is acceptable.
    public func allows(width: Int, height: Int) -> Bool {
        guard width > 0, height > 0, width <= maxSide, height <= maxSide else { return false }
        let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
        return !overflow && pixels <= maxPixels
    }
}
