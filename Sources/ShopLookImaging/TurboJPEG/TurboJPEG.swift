import CTurboJPEG

// This folder is the only place that imports CTurboJPEG. Everything it exposes
// to the rest of the module uses Swift types.

enum TurboJPEG {
    /// The reducing scaling factors used for reduced-size decodes: 1/1, 1/2, 1/4, 1/8 (those
    /// libjpeg-turbo reports), largest first.
    ///
    /// libjpeg-turbo also offers 7/8, 3/4, 5/8, 3/8 …, but their IDCT kernels are unaccelerated:
    /// measured on a 2000×1500 JPEG, 3/4 and 5/8 decoded *slower* than 1/1 and 3/8 slower than 1/2,
    /// so only power-of-two reductions are used.
    static let reducingScalingFactors: [JPEGScalingFactor] = {
        var count: Int32 = 0
        guard let factors = tjGetScalingFactors(&count), count > 0 else {
            return [JPEGScalingFactor(numerator: 1, denominator: 1)]
        }
        var result: [JPEGScalingFactor] = []
        for index in 0..<Int(count) {
            let factor = JPEGScalingFactor(numerator: Int(factors[index].num), denominator: Int(factors[index].denom))
            if factor.numerator == 1, [1, 2, 4, 8].contains(factor.denominator) { result.append(factor) }
        }
        result.sort { $0.value > $1.value }
        return result.isEmpty ? [JPEGScalingFactor(numerator: 1, denominator: 1)] : result
    }()

    static func errorMessage(_ handle: tjhandle?) -> String {
        guard let cString = tjGetErrorStr2(handle) else { return "unknown libjpeg-turbo error" }
        let message = String(cString: cString)
        return message.isEmpty ? "unknown libjpeg-turbo error" : message
    }

    static func subsampling(fromTJ value: Int32) -> ChromaSubsampling? {
        switch value {
        case Int32(TJSAMP_444.rawValue): .yuv444
        case Int32(TJSAMP_422.rawValue): .yuv422
        case Int32(TJSAMP_420.rawValue): .yuv420
        case Int32(TJSAMP_GRAY.rawValue): .gray
        case Int32(TJSAMP_440.rawValue): .yuv440
        case Int32(TJSAMP_411.rawValue): .yuv411
        default: nil
        }
    }

    static func tjValue(for subsampling: ChromaSubsampling) -> Int32 {
        switch subsampling {
        case .yuv444: Int32(TJSAMP_444.rawValue)
        case .yuv422: Int32(TJSAMP_422.rawValue)
        case .yuv420: Int32(TJSAMP_420.rawValue)
        case .yuv440: Int32(TJSAMP_440.rawValue)
        case .yuv411: Int32(TJSAMP_411.rawValue)
        case .gray: Int32(TJSAMP_GRAY.rawValue)
        }
    }

    static func colorSpace(fromTJ value: Int32) -> JPEGColorSpace? {
        switch value {
        case Int32(TJCS_RGB.rawValue): .rgb
        case Int32(TJCS_YCbCr.rawValue): .yCbCr
        case Int32(TJCS_GRAY.rawValue): .gray
        case Int32(TJCS_CMYK.rawValue): .cmyk
        case Int32(TJCS_YCCK.rawValue): .ycck
        default: nil
        }
    }
}
