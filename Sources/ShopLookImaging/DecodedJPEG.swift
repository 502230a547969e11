/// A decoded image together with what was learned while decoding it.
public struct DecodedJPEG: Sendable, Hashable {
    /// The pixels, as displayed (EXIF orientation applied), possibly reduced by `scale`.
    public let image: RGBImage
    /// Header information about the full-size original.
    public let info: JPEGInfo
    /// The libjpeg-turbo scaling factor that was used (1/1 unless a minimum size allowed a reduction).
    public let scale: JPEGScalingFactor
    /// The libjpeg-turbo warning accepted under `JPEGWarningPolicy.lenient`; always `nil` under `.strict`.
    public let warning: String?
}
