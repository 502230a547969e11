/// Walks the JPEG marker segments up to the first SOS, bounds-checked at every step.
/// It never throws: anything malformed simply ends the scan with what was found so far
/// (libjpeg-turbo is the authority on whether the file is decodable).
package enum JPEGMarkerScanner {
    package static func scan(_ bytes: UnsafeRawBufferPointer) -> JPEGMarkerSummary {
        var summary = JPEGMarkerSummary()
        var sawExif = false
        let count = bytes.count
        guard count >= 4, bytes[0] == 0xFF, bytes[1] == 0xD8 else { return summary }
        var offset = 2
        while offset + 1 < count {
            guard bytes[offset] == 0xFF else { return summary }
            // Skip fill bytes (any number of 0xFF before the marker code).
            var markerOffset = offset + 1
            while markerOffset < count, bytes[markerOffset] == 0xFF { markerOffset += 1 }
            guard markerOffset < count else { return summary }
            let marker = bytes[markerOffset]
            offset = markerOffset + 1
            // Standalone markers carry no length.
            if marker == 0x01 || (0xD0...0xD7).contains(marker) { continue }
            if marker == 0xD9 || marker == 0xDA || marker == 0x00 { return summary } // EOI, SOS, invalid
            guard offset + 1 < count else { return summary }
            let length = Int(bytes[offset]) << 8 | Int(bytes[offset + 1])
            guard length >= 2, offset + length <= count else { return summary }
            let payload = UnsafeRawBufferPointer(rebasing: bytes[(offset + 2)..<(offset + length)])
            switch marker {
            case 0xE1 where !sawExif:
                if let orientation = EXIFParser.orientation(fromAPP1: payload) {
                    summary.orientation = orientation
                    sawExif = true
                }
            case 0xEE:
                if payload.count >= 5, payload.starts(with: Array("Adobe".utf8)) {
                    summary.hasAdobeMarker = true
                }
            case 0xC2, 0xC6, 0xCA, 0xCE:
                summary.isProgressive = true
            default:
                break
            }
            offset += length
        }
        return summary
    }
}
