import ShopLookImaging

extension FuzzTarget {
    /// Limits small enough that a fuzzed header claiming a large frame is refused before pixels are allocated,
    /// and large enough for every seed (the decode of a valid 1-megapixel frame takes milliseconds).
    static let imageLimits = ImageLimits(maxBytes: 1 << 20, maxPixels: 1 << 20, maxSide: 4096)

    /// The displayed side a reduced decode keeps at least (`minimumSize` of the stages' decodes).
    static let jpegMinimumSide = 64

    /// JPEG header parsing (marker scan, EXIF orientation, libjpeg-turbo's header) and decoding.
    static let jpeg = FuzzTarget(
        name: "jpeg",
        summary: """
            JPEGDecoder.info and decodeWithDetails (lenient, minimum side 64): a header refusal is the decode's \
            refusal; an accepted header is within the limits and its displayed size is the stored one turned by the \
            orientation the marker scan found; a decoded image has the scaled displayed size, keeps the minimum side \
            where the frame has it, and holds width × height × 3 bytes; every error is the kind its input calls for, \
            with a reason
            """
    ) { (input) throws(FuzzFailure) in
        let check = Invariants(target: "jpeg")
        let decoder = JPEGDecoder(limits: imageLimits, warningPolicy: .lenient)
        let header = Result { () throws(ImageError) in try decoder.info(input) }
        let decoded = Result { () throws(ImageError) in
            try decoder.decodeWithDetails(input, minimumWidth: jpegMinimumSide, minimumHeight: jpegMinimumSide)
        }
        switch (header, decoded) {
        case (.failure(let headerError), .failure(let decodeError)):
            try check.require(headerError == decodeError, "the header was refused with \(headerError) but the decode with \(decodeError)")
            try checkImageError(headerError, detected: ImageFormat.detect(input), byteCount: input.count, expecting: .jpeg, check: check)
        case (.failure(let error), .success):
            throw check.failure("the header was refused (\(error)) but the decode succeeded")
        case (.success(let info), .failure(let error)):
            try checkHeader(info, input: input, check: check)
            try check.require(!isHeaderError(error), "the header was accepted but the decode refused it: \(error)")
            try checkImageError(error, detected: ImageFormat.detect(input), byteCount: input.count, expecting: .jpeg, check: check)
        case (.success(let info), .success(let result)):
            try checkHeader(info, input: input, check: check)
            try checkDecoded(result, info: info, check: check)
        }
    }

    private static func isHeaderError(_ error: ImageError) -> Bool {
        switch error {
        case .unsupportedFormat, .inputTooLarge, .imageTooLarge: true
        default: false
        }
    }

    private static func checkHeader(_ info: JPEGInfo, input: UnsafeRawBufferPointer, check: Invariants) throws(FuzzFailure) {
        try check.require(
            imageLimits.allows(width: info.storedWidth, height: info.storedHeight),
            "a header of \(info.storedWidth)x\(info.storedHeight) was accepted beyond the limits")
        let displayed = info.orientation.displayedSize(storedWidth: info.storedWidth, storedHeight: info.storedHeight)
        try check.require(
            info.size == displayed, "displayed size \(info.size) is not the stored size turned by \(info.orientation)")
        try check.require([1, 3, 4].contains(info.componentCount), "\(info.componentCount) components")
        let markers = JPEGMarkerScanner.scan(input)
        try check.require(
            info.orientation == markers.orientation && info.isProgressive == markers.isProgressive,
            "the header says \(info.orientation), progressive \(info.isProgressive); the marker scan \(markers)")
    }

    private static func checkDecoded(_ result: DecodedJPEG, info: JPEGInfo, check: Invariants) throws(FuzzFailure) {
        try check.require(result.info == info, "the decode read another header: \(result.info) against \(info)")
        let image = result.image
        let scaled = info.orientation.displayedSize(
            storedWidth: result.scale.scale(info.storedWidth), storedHeight: result.scale.scale(info.storedHeight))
        try check.require(
            image.size == scaled, "decoded \(image.size) at \(result.scale), expected \(scaled) from \(info.size)")
        try check.require(image.pixels.count == image.width * image.height * 3, "\(image.pixels.count) bytes for \(image.size)")
        if result.scale != .one {
            try check.require(
                image.width >= jpegMinimumSide && image.height >= jpegMinimumSide,
                "a reduced decode (\(result.scale)) of \(info.size) fell below \(jpegMinimumSide): \(image.size)")
        }
    }

    /// What every refusal must look like, whatever the input: the kind the input calls for, with a reason.
    static func checkImageError(
        _ error: ImageError, detected: ImageFormat, byteCount: Int, expecting format: ImageFormat, check: Invariants
    ) throws(FuzzFailure) {
        switch error {
        case .unsupportedFormat(let reported, _):
            try check.require(reported == detected && detected != format, "refused as \(reported), the bytes are \(detected)")
        case .inputTooLarge(let reported, let limit):
            try check.require(reported == byteCount && reported > limit, "refused \(reported) bytes (input \(byteCount)) over \(limit)")
        case .imageTooLarge(let width, let height):
            try check.require(!imageLimits.allows(width: width, height: height), "refused \(width)x\(height), which the limits allow")
        case .corrupt(let reason):
            try check.require(format == .jpeg && !reason.isEmpty, "corrupt JPEG (\(reason)) from the \(format) decoder")
        case .corruptPNG(let reason):
            try check.require(format == .png && !reason.isEmpty, "corrupt PNG (\(reason)) from the \(format) decoder")
        case .invalidArgument, .encodingFailed:
            throw check.failure("a decode of input bytes failed with \(error)")
        }
        try check.require(!error.description.isEmpty, "an error without a description")
    }
}
