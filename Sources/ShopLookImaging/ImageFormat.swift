/// Container formats recognised by their magic bytes.
///
/// `.jpeg` and `.png` can be decoded (`ImageDecoder` takes both); the others exist so that
/// a rejection can say what was actually uploaded.
public enum ImageFormat: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case jpeg
    case png
    case gif
    case webp
    case bmp
    case tiff
    case heic
    case avif
    case jpegXL = "jxl"
    case jpeg2000 = "jp2"
    case empty
    case unknown

    public var description: String { rawValue }

    /// The conventional upper-case name, as used in messages ("JPEG", "PNG", "JPEG XL" …).
    public var displayName: String {
        switch self {
        case .jpeg: "JPEG"
        case .png: "PNG"
        case .gif: "GIF"
        case .webp: "WebP"
        case .bmp: "BMP"
        case .tiff: "TIFF"
        case .heic: "HEIC"
        case .avif: "AVIF"
        case .jpegXL: "JPEG XL"
        case .jpeg2000: "JPEG 2000"
        case .empty: "empty"
        case .unknown: "unknown"
        }
    }

    /// Detects the format from the first bytes of a file.
    public static func detect(_ bytes: [UInt8]) -> ImageFormat {
        bytes.withUnsafeBytes { detect($0) }
    }

    /// Detects the format from the first bytes of a file.
    public static func detect(_ bytes: UnsafeRawBufferPointer) -> ImageFormat {
        let count = bytes.count
        guard count > 0 else { return .empty }
        func starts(with prefix: [UInt8], at offset: Int = 0) -> Bool {
            guard count >= offset + prefix.count else { return false }
            for (index, byte) in prefix.enumerated() where bytes[offset + index] != byte {
                return false
            }
            return true
        }
        if starts(with: [0xFF, 0xD8, 0xFF]) { return .jpeg }
        if starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if starts(with: Array("GIF87a".utf8)) || starts(with: Array("GIF89a".utf8)) { return .gif }
        if starts(with: Array("RIFF".utf8)) && starts(with: Array("WEBP".utf8), at: 8) { return .webp }
        if starts(with: [0x49, 0x49, 0x2A, 0x00]) || starts(with: [0x4D, 0x4D, 0x00, 0x2A]) { return .tiff }
        if starts(with: [0xFF, 0x0A]) || starts(with: [0, 0, 0, 0x0C, 0x4A, 0x58, 0x4C, 0x20, 0x0D, 0x0A, 0x87, 0x0A]) {
            return .jpegXL
        }
        if starts(with: [0, 0, 0, 0x0C, 0x6A, 0x50, 0x20, 0x20, 0x0D, 0x0A, 0x87, 0x0A])
            || starts(with: [0xFF, 0x4F, 0xFF, 0x51]) {
            return .jpeg2000
        }
        if starts(with: Array("ftyp".utf8), at: 4), count >= 12 {
            let brand = String(decoding: (8..<12).map { bytes[$0] }, as: UTF8.self)
            switch brand {
            case "avif", "avis": return .avif
            case "heic", "heix", "heim", "heis", "hevc", "hevx", "mif1", "msf1": return .heic
            default: return .unknown
            }
        }
        if starts(with: Array("BM".utf8)), count >= 14 { return .bmp }
        return .unknown
    }
}
