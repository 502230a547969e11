import ShopLookImaging

extension FuzzTarget {
    /// The stored size of the JPEG the EXIF target wraps its input into (not square, so a turn shows).
    static let exifBaseSize = (width: 24, height: 16)

    /// A valid baseline JPEG of ``exifBaseSize``, made once; the EXIF target puts its APP1 after the SOI.
    static let exifBase: Result<[UInt8], ImageError> = Result { () throws(ImageError) in
        let image = try RGBImage(width: exifBaseSize.width, height: exifBaseSize.height, fill: RGBColor(r: 200, g: 40, b: 90))
        return try JPEGEncoder(quality: 80).encode(image)
    }

    /// EXIF (TIFF) parsing, alone and inside a JPEG.
    static let exif = FuzzTarget(
        name: "exif",
        summary: """
            the input is a TIFF block: EXIFParser.orientation(fromTIFF:) must agree with the marker scan and with \
            JPEGDecoder.info of a valid JPEG carrying it as its APP1 Exif segment (.up when absent or malformed), \
            and that JPEG must decode to its stored size turned by the orientation
            """
    ) { (input) throws(FuzzFailure) in
        let check = Invariants(target: "exif")
        let base: [UInt8]
        switch exifBase {
        case .success(let bytes): base = bytes
        case .failure(let error): throw check.failure("cannot make the base JPEG: \(error)")
        }
        // An APP1 segment holds at most 65,533 bytes after its length: "Exif\0\0" and as much of the input as fits.
        let tiff = UnsafeRawBufferPointer(rebasing: input.prefix(65_533 - 6))
        let direct = EXIFParser.orientation(fromTIFF: tiff)
        let expected = direct ?? .up
        let length = 2 + 6 + tiff.count
        var wrapped: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE1, UInt8(length >> 8), UInt8(length & 0xFF)]
        wrapped += [0x45, 0x78, 0x69, 0x66, 0x00, 0x00]
        wrapped += tiff
        wrapped += base.dropFirst(2)  // the base's own SOI

        let outcome = wrapped.withUnsafeBytes { bytes in
            let markers = JPEGMarkerScanner.scan(bytes)
            let app1 = EXIFParser.orientation(fromAPP1: UnsafeRawBufferPointer(rebasing: bytes[6..<(4 + length)]))
            let decoded = Result { () throws(ImageError) in try JPEGDecoder(limits: imageLimits).decodeWithDetails(bytes) }
            return (markers, app1, decoded)
        }
        try check.require(outcome.1 == expected, "the APP1 reading gives \(String(describing: outcome.1)), the TIFF reading \(expected)")
        try check.require(outcome.0.orientation == expected, "the marker scan found \(outcome.0.orientation), the TIFF reading \(expected)")
        let result: DecodedJPEG
        switch outcome.2 {
        case .success(let decoded): result = decoded
        case .failure(let error): throw check.failure("a valid JPEG with this Exif segment was refused: \(error)")
        }
        try check.require(result.info.orientation == expected, "the decoder read \(result.info.orientation), the TIFF reading \(expected)")
        let displayed = expected.displayedSize(storedWidth: exifBaseSize.width, storedHeight: exifBaseSize.height)
        try check.require(
            result.info.size == displayed && result.image.size == displayed,
            "header \(result.info.size), image \(result.image.size); \(expected) makes it \(displayed)")
    }
}
