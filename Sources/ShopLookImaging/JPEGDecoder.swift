/// Decodes JPEG bytes into displayed-orientation RGB images, enforcing `ImageLimits`
/// from the header before any pixel memory is allocated.
///
/// A value type holding configuration only; safe to share across tasks. Each call
/// creates its own libjpeg-turbo handle.
///
/// Order of checks: empty → byte limit → magic bytes (`unsupportedFormat`) →
/// header (`corrupt`) → dimension limits (`imageTooLarge`) → decode (`corrupt`,
/// subject to `warningPolicy`).
public struct JPEGDecoder: Sendable {
    public var limits: ImageLimits
    public var warningPolicy: JPEGWarningPolicy
    /// Use the fast integer IDCT and fast chroma upsampling (slightly less accurate, faster).
    public var fastDCT: Bool

    public init(limits: ImageLimits = .default, warningPolicy: JPEGWarningPolicy = .strict, fastDCT: Bool = false) {
        self.limits = limits
        self.warningPolicy = warningPolicy
        self.fastDCT = fastDCT
    }

    // MARK: Header

    /// Reads the header (size as displayed, orientation, colour space, subsampling) without decoding.
    /// Applies the same format and limit checks as `decode`.
    public func info(_ bytes: [UInt8]) throws(ImageError) -> JPEGInfo {
        try Self.withBytes(bytes) { (buffer) throws(ImageError) in try info(buffer) }
    }

    /// Reads the header without decoding. See `info(_: [UInt8])`.
    public func info(_ bytes: UnsafeRawBufferPointer) throws(ImageError) -> JPEGInfo {
        let decompressor = try TurboJPEGDecompressor()
        return try readInfo(bytes, decompressor).info
    }

    // MARK: Decode

    /// Decodes at full size, or — when `minimumSize` is given — at the strongest libjpeg-turbo
    /// DCT-domain reduction (1/2, 1/4 or 1/8) that keeps both displayed sides ≥ `minimumSize`
    /// (no reduction when even 1/2 would go below it). Scaled sizes round up, as libjpeg-turbo does.
    public func decode(_ bytes: [UInt8], minimumSize: Int? = nil) throws(ImageError) -> RGBImage {
        try decodeWithDetails(bytes, minimumWidth: minimumSize, minimumHeight: minimumSize).image
    }

    /// Decodes at the strongest reduction (1/2, 1/4, 1/8) whose *displayed* width ≥ `minimumWidth`
    /// and height ≥ `minimumHeight` (for EXIF orientations 5–8 the minimums are swapped into the stored frame).
    public func decode(_ bytes: [UInt8], minimumWidth: Int, minimumHeight: Int) throws(ImageError) -> RGBImage {
        try decodeWithDetails(bytes, minimumWidth: minimumWidth, minimumHeight: minimumHeight).image
    }

    /// Decodes and also returns the header info, the scaling factor used and any accepted warning.
    public func decodeWithDetails(
        _ bytes: [UInt8],
        minimumWidth: Int? = nil,
        minimumHeight: Int? = nil
    ) throws(ImageError) -> DecodedJPEG {
        try Self.withBytes(bytes) { (buffer) throws(ImageError) in
            try decodeWithDetails(buffer, minimumWidth: minimumWidth, minimumHeight: minimumHeight)
        }
    }

    /// Decodes from a raw buffer (e.g. `Data.withUnsafeBytes`). See `decodeWithDetails(_: [UInt8] …)`.
    public func decodeWithDetails(
        _ bytes: UnsafeRawBufferPointer,
        minimumWidth: Int? = nil,
        minimumHeight: Int? = nil
    ) throws(ImageError) -> DecodedJPEG {
        if let minimumWidth, minimumWidth < 1 { throw .invalidArgument("minimum width must be ≥ 1, got \(minimumWidth)") }
        if let minimumHeight, minimumHeight < 1 { throw .invalidArgument("minimum height must be ≥ 1, got \(minimumHeight)") }
        let decompressor = try TurboJPEGDecompressor()
        let (info, hasAdobeMarker) = try readInfo(bytes, decompressor)
        let factor = Self.scalingFactor(
            for: info,
            minimumWidth: minimumWidth ?? info.width,
            minimumHeight: minimumHeight ?? info.height
        )
        let width = factor.scale(info.storedWidth)
        let height = factor.scale(info.storedHeight)
        let isCMYK = info.colorSpace == .cmyk || info.colorSpace == .ycck
        let format: TurboJPEGPixelFormat = isCMYK ? .cmyk : .rgb
        let stopOnWarning = warningPolicy == .strict

        // Zero-filled so that a lenient decode never exposes uninitialised memory.
        var decoded = [UInt8](repeating: 0, count: width * height * format.bytesPerPixel)
        let outcome = decoded.withUnsafeMutableBufferPointer { output in
            decompressor.decompress(
                bytes, into: output, width: width, height: height,
                format: format, fastDCT: fastDCT, stopOnWarning: stopOnWarning
            )
        }
        var warning: String?
        switch outcome {
        case .success: break
        case .warning(let message):
            guard warningPolicy == .lenient else { throw .corrupt(reason: message) }
            warning = message
        case .failure(let message):
            throw .corrupt(reason: message)
        }

        var image: RGBImage
        if isCMYK {
            image = decoded.withUnsafeBufferPointer { cmyk in
                RGBImage(width: width, height: height) { rgb in
                    CMYKConversion.convert(cmyk: cmyk, into: rgb, pixelCount: width * height, inverted: hasAdobeMarker)
                }
            }
        } else {
            image = RGBImage(unchecked: width, height, decoded)
        }
        image = image.applyingOrientation(info.orientation)
        return DecodedJPEG(image: image, info: info, scale: factor, warning: warning)
    }

    // MARK: Internals

    /// The strongest supported reduction whose scaled *displayed* size still satisfies the minimums.
    static func scalingFactor(for info: JPEGInfo, minimumWidth: Int, minimumHeight: Int) -> JPEGScalingFactor {
        // Map the displayed-frame minimums into the stored frame.
        let (minStoredWidth, minStoredHeight) = info.orientation.swapsDimensions
            ? (minimumHeight, minimumWidth) : (minimumWidth, minimumHeight)
        var best = JPEGScalingFactor.one
        for factor in TurboJPEG.reducingScalingFactors
        where factor.scale(info.storedWidth) >= minStoredWidth && factor.scale(info.storedHeight) >= minStoredHeight {
            if factor.value < best.value { best = factor }
        }
        return best
    }

    private func readInfo(
        _ bytes: UnsafeRawBufferPointer,
        _ decompressor: TurboJPEGDecompressor
    ) throws(ImageError) -> (info: JPEGInfo, hasAdobeMarker: Bool) {
        guard !bytes.isEmpty else { throw .unsupportedFormat(detected: .empty) }
        guard bytes.count <= limits.maxBytes else {
            throw .inputTooLarge(byteCount: bytes.count, limit: limits.maxBytes)
        }
        let format = ImageFormat.detect(bytes)
        guard format == .jpeg else { throw .unsupportedFormat(detected: format) }
        let markers = JPEGMarkerScanner.scan(bytes)
        let header = try decompressor.readHeader(bytes)
        guard limits.allows(width: header.width, height: header.height) else {
            throw .imageTooLarge(width: header.width, height: header.height)
        }
        let info = JPEGInfo(
            storedWidth: header.width,
            storedHeight: header.height,
            orientation: markers.orientation,
            colorSpace: header.colorSpace,
            subsampling: header.subsampling,
            isProgressive: markers.isProgressive
        )
        return (info, markers.hasAdobeMarker)
    }

    private static func withBytes<R>(
        _ bytes: [UInt8],
        _ body: (UnsafeRawBufferPointer) throws(ImageError) -> R
    ) throws(ImageError) -> R {
        try bytes.withUnsafeBytesTyped(body)
    }
}
