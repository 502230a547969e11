extension String {
    /// The text with every control character (C0, DEL, C1) and the Unicode line and paragraph separators written as
    /// escapes (`\n`, `\r`, `\t`, `\u{1B}`), for error messages and logs that quote outside input: a property name
    /// in a hostile message cannot start a forged log line or move a terminal's cursor.
    public var escapingControlCharacters: String {
        guard unicodeScalars.contains(where: Self.needsEscape) else { return self }
        var escaped = ""
        for scalar in unicodeScalars {
            switch scalar {
            case "\n": escaped += "\\n"
            case "\r": escaped += "\\r"
            case "\t": escaped += "\\t"
            case _ where Self.needsEscape(scalar): escaped += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }

    /// The text as one printable line of at most `limit` characters: control characters escaped
    /// (``escapingControlCharacters``), then cut to `limit - 1` characters and "…" when longer.
    public func printableLine(limit: Int) -> String {
        let scalars = escapingControlCharacters.unicodeScalars
        return scalars.count <= limit ? String(scalars) : String(String.UnicodeScalarView(scalars.prefix(limit - 1))) + "…"
    }

    /// Whether `scalar` is a control character (general category Cc) or a line or paragraph separator.
    static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.value == 0x2028 || scalar.value == 0x2029
    }
}
