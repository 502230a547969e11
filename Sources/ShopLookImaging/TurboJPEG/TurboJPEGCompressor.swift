import CTurboJPEG

/// One libjpeg-turbo compression handle. Not thread-safe: create one per encode.
final class TurboJPEGCompressor {
    private let handle: tjhandle

    init() throws(ImageError) {
        guard let handle = tjInitCompress() else {
            throw .encodingFailed(reason: "tjInitCompress failed: \(TurboJPEG.errorMessage(nil))")
        }
        self.handle = handle
    }

    deinit {
        tjDestroy(handle)
    }

    /// Compresses packed pixels (`width * format.bytesPerPixel` bytes per row).
    /// CMYK input is written as a YCCK JPEG with an Adobe marker (libjpeg's convention).
    func compress(
        _ pixels: UnsafeBufferPointer<UInt8>,
        width: Int,
        height: Int,
        format: TurboJPEGPixelFormat,
        subsampling: ChromaSubsampling,
        quality: Int,
        fastDCT: Bool,
        progressive: Bool
    ) throws(ImageError) -> [UInt8] {
        let pitch = width * format.bytesPerPixel
        guard let source = pixels.baseAddress, pixels.count >= pitch * height else {
            throw .encodingFailed(reason: "internal error: pixel buffer too small")
        }
        var flags: Int32 = 0
        if fastDCT { flags |= TJFLAG_FASTDCT }
        if progressive { flags |= TJFLAG_PROGRESSIVE }
        var jpegBuffer: UnsafeMutablePointer<UInt8>? = nil
        var jpegSize: UInt = 0
        defer { if let jpegBuffer { tjFree(jpegBuffer) } }
        let status = tjCompress2(
            handle, source, Int32(width), Int32(pitch), Int32(height), format.tjValue,
            &jpegBuffer, &jpegSize, TurboJPEG.tjValue(for: subsampling), Int32(quality), flags
        )
        guard status == 0, let jpegBuffer, jpegSize > 0 else {
            throw .encodingFailed(reason: TurboJPEG.errorMessage(handle))
        }
        return Array(UnsafeBufferPointer(start: jpegBuffer, count: Int(jpegSize)))
    }
}
