/// Strict base64 checks (RFC 4648 §4: standard alphabet, `=` padding, no whitespace).
enum Base64 {
    /// Whether `text` is canonical padded base64, as `Data.base64EncodedString()` writes it.
    /// Linear time; used for the `contentEncoding: "base64"` schema assertion.
    static func isValid(_ text: String) -> Bool {
        let utf8 = text.utf8
        guard utf8.count % 4 == 0 else { return false }
        var padding = 0
        for byte in utf8 {
            if byte == UInt8(ascii: "=") {
                padding += 1
                continue
            }
            guard padding == 0, isAlphabet(byte) else { return false }
        }
        return padding <= 2
    }

    @inline(__always)
    private static func isAlphabet(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "+"), UInt8(ascii: "/"):
            true
        default:
            false
        }
    }
}
