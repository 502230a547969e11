private let lowercaseHexDigits: [UInt8] = Array("0123456789abcdef".utf8)

extension Sequence where Element == UInt8 {
    /// The bytes as a lowercase hexadecimal string, two characters per byte
    /// (e.g. `[0xde, 0xad]` → `"dead"`).
    public var hexString: String {
        var ascii: [UInt8] = []
        ascii.reserveCapacity(underestimatedCount * 2)
        for byte in self {
            ascii.append(lowercaseHexDigits[Int(byte >> 4)])
            ascii.append(lowercaseHexDigits[Int(byte & 0x0f)])
        }
        return String(decoding: ascii, as: UTF8.self)
    }
}

extension Array where Element == UInt8 {
    /// Decodes a hexadecimal string (upper- or lowercase, even length, no prefix or separators).
    ///
    /// Returns `nil` when `hexString` has an odd length or contains a non-hex character.
    public init?(hexString: some StringProtocol) {
        let utf8 = hexString.utf8
        guard utf8.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count / 2)
        var high: UInt8?
        for character in utf8 {
            guard let nibble = Self.nibble(character) else { return nil }
            if let h = high {
                bytes.append(h << 4 | nibble)
                high = nil
            } else {
                high = nibble
            }
        }
        self = bytes
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
