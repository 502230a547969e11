/// What to do when libjpeg-turbo reports a *warning* (not a fatal error), for example
/// "Premature end of JPEG file" for a truncated upload or "Corrupt JPEG data: N
/// extraneous bytes before marker".
public enum JPEGWarningPolicy: Sendable, Hashable {
    /// Any warning rejects the image with `ImageError.corrupt(reason:)` carrying the warning text.
    /// Decoding stops at the first warning (`TJFLAG_STOPONWARNING`). The default: a catalog
    /// should not index half-grey product photos.
    case strict
    /// Accept the image libjpeg-turbo produced despite warnings (a truncated file decodes with
    /// the missing part filled in) and report the warning in `DecodedJPEG.warning`.
    /// Caveat: libjpeg-turbo cannot tell "warning, then fatal error" apart from "warning only";
    /// in that rare case the rows it never wrote are black.
    case lenient
}
