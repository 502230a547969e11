import CTurboJPEG

enum TurboJPEGPixelFormat: Sendable {
    case rgb
    case cmyk

    var bytesPerPixel: Int {
        switch self {
        case .rgb: 3
        case .cmyk: 4
        }
    }

    var tjValue: Int32 {
        switch self {
        case .rgb: Int32(TJPF_RGB.rawValue)
        case .cmyk: Int32(TJPF_CMYK.rawValue)
        }
    }
}
