/// Every failure the imaging module reports. Decoding never traps on bad input;
/// it throws one of these.
public enum ImageError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The input is not a JPEG; `detected` is what its magic bytes say it is
    /// (`.empty` for zero bytes, `.unknown` when nothing matched).
    case unsupportedFormat(detected: ImageFormat)
    /// The input starts like a JPEG but libjpeg-turbo (or the header scan) rejected it;
    /// `reason` is turbojpeg's message, e.g. "Premature end of JPEG file".
    case corrupt(reason: String)
    /// The encoded input is larger than `ImageLimits.maxBytes`.
    case inputTooLarge(byteCount: Int, limit: Int)
    /// The header declares a size beyond `ImageLimits` (checked before any pixel memory is allocated).
    case imageTooLarge(width: Int, height: Int)
    /// A caller-supplied argument is out of range (empty crop, zero target size, short buffer …).
    case invalidArgument(String)
    /// libjpeg-turbo failed to compress.
    case encodingFailed(reason: String)

    public var description: String {
        switch self {
        case .unsupportedFormat(let detected): "unsupported image format: \(detected) (only JPEG is accepted)"
        case .corrupt(let reason): "corrupt JPEG: \(reason)"
        case .inputTooLarge(let byteCount, let limit): "input of \(byteCount) bytes exceeds the limit of \(limit) bytes"
        case .imageTooLarge(let width, let height): "image of \(width)x\(height) pixels exceeds the size limits"
        case .invalidArgument(let message): "invalid argument: \(message)"
        case .encodingFailed(let reason): "JPEG encoding failed: \(reason)"
        }
    }
}
