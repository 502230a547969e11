/// The outcome of `RGBImage.foregroundTrim`.
public struct ForegroundTrimResult: Sendable, Hashable {
    public enum Outcome: String, Sendable, Hashable {
        /// A plain background was found; `box` bounds the foreground plus margin.
        case trimmed
        /// The border is not a plain colour (a scene photo): `box` is the whole image.
        case nonUniformBackground
        /// Plain background but nothing differs from it: `box` is the whole image.
        case noForeground
        /// Too small to analyse (a side under 4 pixels): `box` is the whole image.
        case imageTooSmall
    }

    /// The region to keep, in the image's pixel coordinates (always non-empty and inside it).
    public let box: PixelRect
    /// The estimated background (median of the border band), when one was estimated.
    public let background: RGBColor?
    public let outcome: Outcome
}
