/// Escapes a member name for use in a JSON Pointer (RFC 6901): `~` → `~0`, `/` → `~1`.
func escapePointer(_ token: String) -> String {
    guard token.utf8.contains(where: { $0 == UInt8(ascii: "~") || $0 == UInt8(ascii: "/") }) else { return token }
    var escaped = ""
    for character in token {
        switch character {
        case "~": escaped += "~0"
        case "/": escaped += "~1"
        default: escaped.append(character)
        }
    }
    return escaped
}

/// Reverses ``escapePointer(_:)``.
func unescapePointer(_ token: String) -> String {
    guard token.contains("~") else { return token }
    var result = ""
    var pendingTilde = false
    for character in token {
        if pendingTilde {
            result += character == "0" ? "~" : (character == "1" ? "/" : "~" + String(character))
            pendingTilde = false
        } else if character == "~" {
            pendingTilde = true
        } else {
            result.append(character)
        }
    }
    if pendingTilde { result += "~" }
    return result
}
