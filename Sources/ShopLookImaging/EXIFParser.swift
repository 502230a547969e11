/// A minimal, bounds-checked reader for the Orientation tag of an APP1 Exif segment.
package enum EXIFParser {
    private static let orientationTag: UInt16 = 0x0112
    private static let typeShort: UInt16 = 3
    private static let exifHeader: [UInt8] = [0x45, 0x78, 0x69, 0x66, 0x00, 0x00] // "Exif\0\0"

    /// The orientation from an APP1 payload (the bytes after the length field).
    ///
    /// Returns `nil` when the segment is not Exif (e.g. XMP); returns `.up` for an Exif
    /// segment that is malformed, lacks the tag, or holds a value outside 1…8.
    package static func orientation(fromAPP1 payload: UnsafeRawBufferPointer) -> EXIFOrientation? {
        guard payload.count >= exifHeader.count, payload.starts(with: exifHeader) else { return nil }
        let tiff = UnsafeRawBufferPointer(rebasing: payload[exifHeader.count...])
        return orientation(fromTIFF: tiff) ?? .up
    }

    /// Reads IFD0 of a TIFF structure ("II*\0" or "MM\0*") and returns its orientation, if valid.
    package static func orientation(fromTIFF tiff: UnsafeRawBufferPointer) -> EXIFOrientation? {
        guard tiff.count >= 8 else { return nil }
        let littleEndian: Bool
        switch (tiff[0], tiff[1]) {
        case (0x49, 0x49): littleEndian = true
        case (0x4D, 0x4D): littleEndian = false
        default: return nil
        }
        func u16(_ at: Int) -> UInt16? {
            guard at >= 0, at + 2 <= tiff.count else { return nil }
            let a = UInt16(tiff[at]), b = UInt16(tiff[at + 1])
            return littleEndian ? (b << 8 | a) : (a << 8 | b)
        }
        func u32(_ at: Int) -> UInt32? {
            guard let first = u16(at), let second = u16(at + 2) else { return nil }
            return littleEndian ? (UInt32(second) << 16 | UInt32(first)) : (UInt32(first) << 16 | UInt32(second))
        }
        guard u16(2) == 42, let ifdOffset32 = u32(4) else { return nil }
        let ifdOffset = Int(ifdOffset32)
        guard ifdOffset >= 8, let entryCount = u16(ifdOffset) else { return nil }
        for entry in 0..<Int(entryCount) {
            let entryOffset = ifdOffset + 2 + entry * 12
            guard entryOffset + 12 <= tiff.count, let tag = u16(entryOffset) else { return nil }
            guard tag == orientationTag else { continue }
            guard u16(entryOffset + 2) == typeShort, let count = u32(entryOffset + 4), count >= 1,
                  let value = u16(entryOffset + 8)
            else { return nil }
            return EXIFOrientation(rawValue: Int(value))
        }
        return nil
    }
}
