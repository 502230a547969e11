/// Tuning for `RGBImage.foregroundTrim` (defaults suit catalog photos on plain light backgrounds).
public struct ForegroundTrimOptions: Sendable, Hashable {
    /// Width of the border band sampled for the background colour, as a fraction of the
    /// shorter side (at least 1 pixel).
    public var borderFraction: Double
    /// A pixel is foreground when its largest per-channel difference from the background exceeds
    /// this (0…255). Soft shadows and JPEG noise on white stay below the default.
    public var threshold: Int
    /// The background counts as plain only if at least this fraction of all border pixels is
    /// within `threshold` of the median border colour …
    public var minimumBorderAgreement: Double
    /// … and at least `minimumUniformSides` of the four sides each agree at `sideAgreement` or more
    /// (a product may run off one or two edges; a scene photo fails this).
    public var minimumUniformSides: Int
    public var sideAgreement: Double
    /// A row or column belongs to the foreground only if it holds at least this fraction of its
    /// length in (2×2-eroded) foreground pixels, and at least one — ignores specks and dust.
    public var minimumLineFraction: Double
    /// Margin added around the found box, as a fraction of the box's longer side …
    public var marginFraction: Double
    /// … but at least this many pixels.
    public var minimumMargin: Int
    /// Analyse an area-downscaled copy whose longer side is at most this (faster, less noise);
    /// `nil` analyses at full resolution. The box is mapped back to full resolution, rounded outward.
    public var analysisMaxSide: Int?

    public init(
        borderFraction: Double = 0.02,
        threshold: Int = 32,
        minimumBorderAgreement: Double = 0.6,
        minimumUniformSides: Int = 2,
        sideAgreement: Double = 0.9,
        minimumLineFraction: Double = 0.002,
        marginFraction: Double = 0.02,
        minimumMargin: Int = 2,
        analysisMaxSide: Int? = 640
    ) {
        self.borderFraction = borderFraction
        self.threshold = threshold
        self.minimumBorderAgreement = minimumBorderAgreement
        self.minimumUniformSides = minimumUniformSides
        self.sideAgreement = sideAgreement
        self.minimumLineFraction = minimumLineFraction
        self.marginFraction = marginFraction
        self.minimumMargin = minimumMargin
        self.analysisMaxSide = analysisMaxSide
    }
}
