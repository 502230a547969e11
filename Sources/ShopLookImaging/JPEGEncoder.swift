/// Encodes RGB images (e.g. crops) to JPEG with libjpeg-turbo.
public struct JPEGEncoder: Sendable {
    /// 1…100.
    public var quality: Int
    /// Chroma subsampling; `.gray` writes a single-component grayscale JPEG.
    public var subsampling: ChromaSubsampling
    /// Use the fast (less accurate) forward DCT.
    public var fastDCT: Bool
    /// Write a progressive JPEG.
    public var progressive: Bool

    public init(quality: Int = 90, subsampling: ChromaSubsampling = .yuv420, fastDCT: Bool = false, progressive: Bool = false) {
        self.quality = quality
        self.subsampling = subsampling
        self.fastDCT = fastDCT
        self.progressive = progressive
    }

    /// The JPEG bytes for `image`.
    public func encode(_ image: RGBImage) throws(ImageError) -> [UInt8] {
        try validateQuality()
        let compressor = try TurboJPEGCompressor()
        let result: Result<[UInt8], ImageError> = image.withUnsafePixels { pixels in
            do throws(ImageError) {
                return .success(try compressor.compress(
                    pixels, width: image.width, height: image.height, format: .rgb,
                    subsampling: subsampling, quality: quality, fastDCT: fastDCT, progressive: progressive
                ))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// Encodes packed CMYK pixels (4 bytes per pixel) as a YCCK JPEG with an Adobe marker.
    /// Used by tests to produce CMYK input; not part of the public API.
    func encodeCMYK(_ cmyk: [UInt8], width: Int, height: Int) throws(ImageError) -> [UInt8] {
        try validateQuality()
        guard width > 0, height > 0, cmyk.count == width * height * 4 else {
            throw .invalidArgument("CMYK buffer must hold width * height * 4 bytes")
        }
        let compressor = try TurboJPEGCompressor()
        let result: Result<[UInt8], ImageError> = cmyk.withUnsafeBufferPointer { pixels in
            do throws(ImageError) {
                return .success(try compressor.compress(
                    pixels, width: width, height: height, format: .cmyk,
                    subsampling: subsampling, quality: quality, fastDCT: fastDCT, progressive: progressive
                ))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    private func validateQuality() throws(ImageError) {
        guard (1...100).contains(quality) else {
            throw .invalidArgument("JPEG quality must be in 1...100, got \(quality)")
        }
    }
}
