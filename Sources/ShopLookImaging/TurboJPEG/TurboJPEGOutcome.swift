/// How a libjpeg-turbo call ended.
enum TurboJPEGOutcome: Sendable, Equatable {
    case success
    /// Non-fatal: libjpeg-turbo produced output but complained (e.g. "Premature end of JPEG file").
    case warning(String)
    case failure(String)
}
