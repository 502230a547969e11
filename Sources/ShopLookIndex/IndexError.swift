/// The one error type of ShopLookIndex.
public enum IndexError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A caller passed a value outside the allowed range.
    case invalidArgument(String)
    /// A vector (or batch) does not have the index dimension.
    case dimensionMismatch(expected: Int, actual: Int)
    /// The operation needs a trained index.
    case notTrained
    /// Training was asked twice, or with too few points.
    case trainingFailed(String)
    /// An id that is already present was added again.
    case duplicateID(Int64)
    /// A system call failed while reading or writing a file.
    case io(path: String, operation: String, errno: Int32)
    /// The file is not an index file (wrong magic bytes).
    case badMagic(path: String)
    /// The file format version is not supported by this build.
    case unsupportedVersion(found: UInt32, supported: UInt32)
    /// The file is shorter than a section (or the header) says.
    case truncated(section: String, expectedBytes: UInt64, actualBytes: UInt64)
    /// A checksum did not match.
    case checksumMismatch(section: String, expected: UInt32, actual: UInt32)
    /// The file passed its checksums but its contents are inconsistent.
    case corrupt(section: String, detail: String)

    public var description: String {
        switch self {
        case .invalidArgument(let s): return "invalid argument: \(s)"
        case .dimensionMismatch(let e, let a): return "dimension mismatch: expected \(e), got \(a)"
        case .notTrained: return "the index is not trained"
        case .trainingFailed(let s): return "training failed: \(s)"
        case .duplicateID(let id): return "id \(id) is already in the index"
        case .io(let path, let op, let e): return "\(op) failed for \(path): errno \(e)"
        case .badMagic(let path): return "\(path) is not a ShopLook IVF-PQ index file (bad magic)"
        case .unsupportedVersion(let f, let s): return "unsupported index file version \(f) (this build reads \(s))"
        case .truncated(let section, let e, let a):
            return "index file truncated in section '\(section)': needs \(e) bytes, file has \(a)"
        case .checksumMismatch(let section, let e, let a):
            return "checksum mismatch in section '\(section)': expected \(hex(e)), computed \(hex(a))"
        case .corrupt(let section, let detail): return "corrupt section '\(section)': \(detail)"
        }
    }
}

private func hex(_ v: UInt32) -> String {
    let s = String(v, radix: 16)
    return "0x" + String(repeating: "0", count: max(0, 8 - s.count)) + s
}
