/// Escapes a member name for use in a JSON Pointer (RFC 6901): `~` → `~0`, `/` → `~1`.
///
/// Scalar by scalar: a `/` followed by a combining mark is one `Character`, which a comparison of Characters would
/// leave unescaped, splitting the pointer in two.
func escapePointer(_ token: String) -> String {
    guard token.utf8.contains(where: { $0 == UInt8(ascii: "~") || $0 == UInt8(ascii: "/") }) else { return token }
    var escaped = String.UnicodeScalarView()
    for scalar in token.unicodeScalars {
        switch scalar {
        case "~": escaped.append(contentsOf: "~0".unicodeScalars)
        case "/": escaped.append(contentsOf: "~1".unicodeScalars)
        default: escaped.append(scalar)
        }
    }
    return String(escaped)
}

/// Reverses ``escapePointer(_:)``, scalar by scalar as well.
func unescapePointer(_ token: String) -> String {
    guard token.utf8.contains(UInt8(ascii: "~")) else { return token }
    var result = String.UnicodeScalarView()
    var pendingTilde = false
    for scalar in token.unicodeScalars {
        if pendingTilde {
            switch scalar {
            case "0": result.append("~")
            case "1": result.append("/")
            default: result.append(contentsOf: ["~", scalar])
            }
            pendingTilde = false
        } else if scalar == "~" {
            pendingTilde = true
        } else {
            result.append(scalar)
        }
    }
    if pendingTilde { result.append("~") }
    return String(result)
}
