import CTurboJPEG

/// One libjpeg-turbo decompression handle. Not thread-safe: create one per decode
/// (`tjInitDecompress` is cheap) and let it go out of scope.
final class TurboJPEGDecompressor {
    private let handle: tjhandle

    init() throws(ImageError) {
        guard let handle = tjInitDecompress() else {
            throw .corrupt(reason: "tjInitDecompress failed: \(TurboJPEG.errorMessage(nil))")
        }
        self.handle = handle
    }

    deinit {
        tjDestroy(handle)
    }

    /// Reads the frame header without decoding pixels.
    func readHeader(_ bytes: UnsafeRawBufferPointer) throws(ImageError) -> TurboJPEGHeader {
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), !bytes.isEmpty else {
            throw .unsupportedFormat(detected: .empty)
        }
        var width: Int32 = 0
        var height: Int32 = 0
        var subsampling: Int32 = -1
        var colorSpace: Int32 = -1
        let status = tjDecompressHeader3(handle, base, UInt(bytes.count), &width, &height, &subsampling, &colorSpace)
        // A header-stage warning still leaves valid header fields; the decode step applies the policy.
        if status != 0, tjGetErrorCode(handle) != Int32(TJERR_WARNING.rawValue) {
            throw .corrupt(reason: TurboJPEG.errorMessage(handle))
        }
        guard width > 0, height > 0 else {
            throw .corrupt(reason: status != 0 ? TurboJPEG.errorMessage(handle) : "JPEG header declares an empty image")
        }
        guard let space = TurboJPEG.colorSpace(fromTJ: colorSpace) else {
            throw .corrupt(reason: "unsupported JPEG colour space \(colorSpace)")
        }
        return TurboJPEGHeader(
            width: Int(width),
            height: Int(height),
            subsampling: TurboJPEG.subsampling(fromTJ: subsampling),
            colorSpace: space
        )
    }

    /// Decodes into `output`, which must hold `width * height * format.bytesPerPixel` bytes,
    /// where `width`/`height` are a scaled size obtained from a supported scaling factor.
    func decompress(
        _ bytes: UnsafeRawBufferPointer,
        into output: UnsafeMutableBufferPointer<UInt8>,
        width: Int,
        height: Int,
        format: TurboJPEGPixelFormat,
        fastDCT: Bool,
        stopOnWarning: Bool
    ) -> TurboJPEGOutcome {
        let pitch = width * format.bytesPerPixel
        guard let source = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self),
              let destination = output.baseAddress,
              output.count >= pitch * height
        else {
            return .failure("internal error: output buffer too small")
        }
        var flags = TJFLAG_LIMITSCANS
        if fastDCT { flags |= TJFLAG_FASTDCT | TJFLAG_FASTUPSAMPLE }
        if stopOnWarning { flags |= TJFLAG_STOPONWARNING }
        let status = tjDecompress2(
            handle, source, UInt(bytes.count), destination,
            Int32(width), Int32(pitch), Int32(height), format.tjValue, Int32(flags)
        )
        if status == 0 { return .success }
        let message = TurboJPEG.errorMessage(handle)
        if !stopOnWarning, tjGetErrorCode(handle) == Int32(TJERR_WARNING.rawValue) {
            return .warning(message)
        }
        return .failure(message)
    }
}
