/// The passwords a connection string may hold, to keep them out of error messages.
///
/// libpq's parser echoes parts of a string it cannot parse — `invalid percent-encoded token: "pa%ZZss"` is the
/// URL's password, an unterminated IPv6 host repeats the whole URL, a keyword string with a space in an unquoted
/// password names the word after it — and those messages reach logs. Every fragment that may be a password is
/// found here so that it can be replaced by `<redacted>`.
enum ConnectionStringSecrets {
    /// Fragments of `string` that may be (part of) a password, longest first.
    static func candidates(in string: String) -> [String] {
        var found: [String] = []
        if let scheme = string.range(of: "://") {
            let rest = string[scheme.upperBound...]
            // The user information ends at the last `@` (a raw `@` in a password makes libpq take the last).
            if let at = rest.lastIndex(of: "@") {
                let userInformation = rest[..<at]
                if let colon = userInformation.firstIndex(of: ":") {
                    found.append(String(userInformation[userInformation.index(after: colon)...]))
                    found.append(String(userInformation))
                }
            }
            if let query = rest.firstIndex(of: "?") {
                for parameter in rest[rest.index(after: query)...].split(separator: "&") {
                    let pair = parameter.split(separator: "=", maxSplits: 1)
                    if pair.count == 2, pair[0] == "password" { found.append(String(pair[1])) }
                }
            }
        } else {
            // Keyword form: everything after `password =` up to the next `keyword=`, as a whole and word by word.
            var search = string[...]
            while let keyword = search.range(of: "password") {
                var value = search[keyword.upperBound...].drop { $0 == " " || $0 == "\t" || $0 == "\n" }
                guard value.first == "=" else { search = search[keyword.upperBound...]; continue }
                value = value.dropFirst().drop { $0 == " " || $0 == "\t" || $0 == "\n" }
                let words = value.split(whereSeparator: \.isWhitespace)
                let secretWords = words.prefix { !$0.contains("=") }
                found += secretWords.map { String($0.trimmingQuotes) }
                if let first = secretWords.first, let last = secretWords.last {
                    found.append(String(value[first.startIndex..<last.endIndex]))
                }
                search = value
            }
        }
        let decoded = found.compactMap { $0.removingPercentEncodingLeniently }
        return Set(found + decoded).filter { !$0.isEmpty }.sorted { $0.count > $1.count }
    }

    /// `message` with every candidate secret of `string` replaced by `<redacted>`.
    static func redacting(_ message: String, of string: String) -> String {
        candidates(in: string).reduce(message) { $0.replacing($1, with: "<redacted>") }
    }
}

extension Substring {
    fileprivate var trimmingQuotes: Substring {
        var text = self
        while text.first == "'" { text = text.dropFirst() }
        while text.last == "'" { text = text.dropLast() }
        return text
    }
}

extension String {
    /// Percent-decoding that keeps a malformed escape as it is (libpq rejects those; they still get redacted).
    fileprivate var removingPercentEncodingLeniently: String? {
        guard contains("%") else { return nil }
        var bytes: [UInt8] = []
        var utf8 = Array(self.utf8)[...]
        while let byte = utf8.first {
            if byte == UInt8(ascii: "%"), utf8.count >= 3,
               let value = UInt8(String(decoding: utf8.dropFirst().prefix(2), as: UTF8.self), radix: 16) {
                bytes.append(value)
                utf8 = utf8.dropFirst(3)
            } else {
                bytes.append(byte)
                utf8 = utf8.dropFirst()
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
