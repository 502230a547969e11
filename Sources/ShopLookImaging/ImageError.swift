/// Every failure the imaging module reports. Decoding never traps on bad input;
/// it throws one of these.
public enum ImageError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The input is not in a format the decoder accepts; `detected` is what its magic bytes say it is
    /// (`.empty` for zero bytes, `.unknown` when nothing matched) and `accepted` what the decoder
    /// takes (`JPEGDecoder`: JPEG; `PNGDecoder`: PNG; `ImageDecoder`: JPEG or PNG).
    case unsupportedFormat(detected: ImageFormat, accepted: [ImageFormat] = [.jpeg])
    /// The input starts like a JPEG but libjpeg-turbo (or the header scan) rejected it;
    /// `reason` is turbojpeg's message, e.g. "Premature end of JPEG file".
    case corrupt(reason: String)
    /// The input starts like a PNG but libpng rejected it; `reason` is libpng's message,
    /// e.g. "IDAT: incorrect data check" or "Read Error" (truncated).
    case corruptPNG(reason: String)
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
        case .unsupportedFormat(let detected, let accepted):
            "unsupported image format: \(detected) (expected \(accepted.map(\.displayName).joined(separator: " or ")))"
        case .corrupt(let reason): "corrupt JPEG: \(reason)"
        case .corruptPNG(let reason): "corrupt PNG: \(reason)"
        case .inputTooLarge(let byteCount, let limit): "input of \(byteCount) bytes exceeds the limit of \(limit) bytes"
        case .imageTooLarge(let width, let height): "image of \(width)x\(height) pixels exceeds the size limits"
        case .invalidArgument(let message): "invalid argument: \(message)"
        case .encodingFailed(let reason): "JPEG encoding failed: \(reason)"
        }
    }
}
