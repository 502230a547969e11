/// What the pre-decode marker scan learned from the segments before the first SOS.
package struct JPEGMarkerSummary: Sendable, Equatable {
    /// From the first APP1 Exif segment; `.up` when absent or malformed.
    package var orientation: EXIFOrientation = .up
    /// Whether an APP14 "Adobe" segment is present (CMYK data is then stored inverted).
    package var hasAdobeMarker = false
    /// Whether the frame is progressive (SOF2/SOF6/SOF10/SOF14).
    package var isProgressive = false
}
