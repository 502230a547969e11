#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A `multipart/form-data` body (RFC 7578 over RFC 2046) split into its parts: small, strict and bounded.
///
/// Strict: the boundary must be 1–70 of RFC 2046's characters; every part needs a `Content-Disposition:
/// form-data` with a `name`; header lines are `Name: value` with CRLF endings (no folding); a header named twice,
/// a parameter named twice, text after the closing delimiter's line break other than the epilogue, or a body that
/// ends before the closing delimiter are errors. A preamble before the first delimiter is skipped, as RFC 2046 says.
/// Bounded: at most ``Limits/maximumParts`` parts and ``Limits/maximumHeaderBytes`` of headers per part; the
/// body's own size is the caller's limit. Parts are slices of the body (nothing is copied); the search for
/// delimiters is `memmem`, linear in the body.
///
/// It lives in ShopLookCore rather than the API so that its fuzz target (`shoplook-fuzz multipart`) builds without the
/// HTTP server.
public struct MultipartFormData: Sendable {
    /// The bounds the parser keeps to.
    public struct Limits: Sendable {
        public var maximumParts: Int
        public var maximumHeaderBytes: Int

        public init(maximumParts: Int = 16, maximumHeaderBytes: Int = 8 << 10) {
            self.maximumParts = maximumParts
            self.maximumHeaderBytes = maximumHeaderBytes
        }
    }

    /// The parts, in body order.
    public var parts: [MultipartPart]

    /// Splits `body` at `boundary` (from ``boundary(contentType:)``).
    public init(parsing body: [UInt8], boundary: String, limits: Limits = Limits()) throws(MultipartError) {
        guard Self.isValidBoundary(boundary) else { throw MultipartError("invalid boundary") }
        let dashBoundary = Array("--\(boundary)".utf8)
        let delimiter = [13, 10] + dashBoundary
        // The first delimiter starts the body, or follows a preamble and its line break.
        var position: Int
        if body.starts(with: dashBoundary) {
            position = dashBoundary.count
        } else if let found = Self.find(delimiter, in: body, from: 0) {
            position = found + delimiter.count
        } else {
            throw MultipartError("the body has no \"--\(boundary)\" delimiter")
        }
        var parts: [MultipartPart] = []
        while true {
            // After a delimiter: "--" closes the body; otherwise optional padding, then CRLF and a part.
            if body[position...].starts(with: [45, 45]) { break }
            while position < body.count, body[position] == 32 || body[position] == 9 { position += 1 }
            guard body[position...].starts(with: [13, 10]) else { throw MultipartError("a delimiter line must end with CRLF") }
            position += 2
            guard parts.count < limits.maximumParts else { throw MultipartError("more than \(limits.maximumParts) parts") }
            let headerEnd: Int
            if body[position...].starts(with: [13, 10]) {
                headerEnd = position  // no header lines at all: rejected below (no Content-Disposition)
            } else {
                let window = min(body.count, position + limits.maximumHeaderBytes + 4)
                guard let end = Self.find([13, 10, 13, 10], in: body, from: position, upTo: window) else {
                    throw MultipartError(
                        window == body.count ? "a part's headers do not end" : "a part's headers are longer than \(limits.maximumHeaderBytes) bytes")
                }
                headerEnd = end + 2
            }
            let headers = try Self.parseHeaders(body[position..<headerEnd])
            let bodyStart = headerEnd + 2
            guard let bodyEnd = Self.find(delimiter, in: body, from: bodyStart) else {
                throw MultipartError("the body ends before the closing \"--\(boundary)--\" delimiter")
            }
            parts.append(try Self.part(headers, body: body[bodyStart..<bodyEnd]))
            position = bodyEnd + delimiter.count
        }
        self.parts = parts
    }

    /// The parts named `name`.
    public func parts(named name: String) -> [MultipartPart] {
        parts.filter { $0.name == name }
    }

    /// The boundary of a `Content-Type: multipart/form-data; boundary=…` value.
    ///
    /// Read scalar by scalar, not by Character: a combining mark after `;` or `=` (one Character with it) hid the
    /// separator, so `multipart/form-data;\u{59D}…` was "not multipart/form-data" (the `forms` fuzz target).
    public static func boundary(contentType: String?) throws(MultipartError) -> String {
        guard let contentType else { throw MultipartError(.notFormData, "the request has no Content-Type; send multipart/form-data") }
        let parameters = contentType.unicodeScalars.split(separator: ";", omittingEmptySubsequences: false).map { String($0) }
        let type = parameters[0].trimmingWhitespace().lowercased()
        guard type == "multipart/form-data" else {
            // Escaped, as every error text that quotes outside input: the reason may end in a log line (the fuzz target).
            throw MultipartError(.notFormData, "the body must be multipart/form-data, not \(type.isEmpty ? "nothing" : type.escapingControlCharacters)")
        }
        var boundary: String?
        for parameter in parameters.dropFirst() {
            let scalars = parameter.unicodeScalars
            guard let equals = scalars.firstIndex(of: "=") else { throw MultipartError("malformed Content-Type parameter") }
            let name = String(scalars[..<equals]).trimmingWhitespace().lowercased()
            var value = String(scalars[scalars.index(after: equals)...]).trimmingWhitespace()
            if value.unicodeScalars.first == "\"", value.unicodeScalars.last == "\"", value.unicodeScalars.count >= 2 {
                value = String(value.unicodeScalars.dropFirst().dropLast())
            }
            if name == "boundary" {
                guard boundary == nil else { throw MultipartError("Content-Type names the boundary twice") }
                boundary = value
            }
        }
        guard let boundary else { throw MultipartError("the multipart/form-data Content-Type has no boundary") }
        guard isValidBoundary(boundary) else { throw MultipartError("invalid boundary (1-70 characters of RFC 2046)") }
        return boundary
    }

    /// The media type of a `Content-Type` value as ``boundary(contentType:)`` reads it: up to the first `;` scalar,
    /// without spaces and tabs around it, lower-cased.
    public static func mediaType(_ contentType: String) -> String {
        String(contentType.unicodeScalars.prefix { $0 != ";" }).trimmingWhitespace().lowercased()
    }

    /// RFC 2046: 1–70 of `bchars` (digits, letters, `'()+_,-./:=? ` and space), not ending in a space.
    public static func isValidBoundary(_ boundary: String) -> Bool {
        let allowed = Set("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'()+_,-./:=? ".utf8)
        let bytes = Array(boundary.utf8)
        return (1...70).contains(bytes.count) && bytes.allSatisfy(allowed.contains) && bytes.last != 32
    }

    // MARK: Headers

    private static func parseHeaders(_ block: ArraySlice<UInt8>) throws(MultipartError) -> [String: String] {
        guard let text = String(validating: block, as: UTF8.self) else { throw MultipartError("a part's headers are not UTF-8") }
        var headers: [String: String] = [:]
        for line in text.split(separator: "\r\n", omittingEmptySubsequences: false) where !line.isEmpty {
            guard let colon = line.firstIndex(of: ":") else { throw MultipartError("malformed part header line") }
            let name = line[..<colon]
            guard !name.isEmpty, name.utf8.allSatisfy(isTokenByte) else {
                throw MultipartError("malformed part header name (folded or empty lines are not allowed)")
            }
            guard !line.contains("\r"), !line.contains("\n") else { throw MultipartError("a bare CR or LF in a part's headers") }
            let key = name.lowercased()
            guard headers[key] == nil else { throw MultipartError("a part names its \(name) header twice") }
            headers[key] = line[line.index(after: colon)...].trimmingWhitespace()
        }
        return headers
    }

    private static func part(_ headers: [String: String], body: ArraySlice<UInt8>) throws(MultipartError) -> MultipartPart {
        guard let disposition = headers["content-disposition"] else { throw MultipartError("a part has no Content-Disposition") }
        var scanner = ParameterScanner(disposition)
        var parameters = try scanner.parse()
        guard parameters.removeFirst().lowercased() == "form-data" else {
            throw MultipartError("a part's Content-Disposition must be form-data")
        }
        var named: [String: String] = [:]
        for index in stride(from: 0, to: parameters.count, by: 2) {
            let key = parameters[index].lowercased()
            guard named.updateValue(parameters[index + 1], forKey: key) == nil else {
                throw MultipartError("a part's Content-Disposition names \(key) twice")
            }
        }
        guard let name = named["name"] else { throw MultipartError("a part's Content-Disposition has no name") }
        return MultipartPart(name: name, filename: named["filename"], contentType: headers["content-type"], body: body)
    }

    /// RFC 9110 `tchar`.
    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"): true
        default: Array("!#$%&'*+-.^_`|~".utf8).contains(byte)
        }
    }

    // MARK: Searching

    /// The first index of `needle` in `haystack[from..<upTo]`: `memchr` to each candidate first byte, then `memcmp`.
    static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int, upTo end: Int? = nil) -> Int? {
        let end = end ?? haystack.count
        guard !needle.isEmpty, start >= 0, end <= haystack.count, end - start >= needle.count else { return nil }
        return haystack.withUnsafeBytes { hay in
            needle.withUnsafeBytes { pin in
                let base = hay.baseAddress!
                let last = end - needle.count  // the last index a match can start at
                var index = start
                while index <= last {
                    guard let hit = memchr(base + index, Int32(pin[0]), last - index + 1) else { return nil }
                    let candidate = base.distance(to: UnsafeRawPointer(hit))
                    if memcmp(base + candidate, pin.baseAddress!, pin.count) == 0 { return candidate }
                    index = candidate + 1
                }
                return nil
            }
        }
    }
}

/// Reads `form-data; name="x"; filename="y"` into `["form-data", "name", "x", "filename", "y"]`: the disposition
/// type, then each parameter's name and value (a token or a quoted string with `\` escapes).
private struct ParameterScanner {
    let scalars: [Unicode.Scalar]
    var index = 0

    init(_ text: String) {
        scalars = Array(text.unicodeScalars)
    }

    mutating func parse() throws(MultipartError) -> [String] {
        skipSpaces()
        var result = [try token()]
        while true {
            skipSpaces()
            guard index < scalars.count else { return result }
            guard scalars[index] == ";" else { throw MultipartError("malformed Content-Disposition parameters") }
            index += 1
            skipSpaces()
            if index == scalars.count { return result }  // a trailing ";"
            result.append(try token())
            skipSpaces()
            guard index < scalars.count, scalars[index] == "=" else { throw MultipartError("a Content-Disposition parameter has no value") }
            index += 1
            skipSpaces()
            result.append(index < scalars.count && scalars[index] == "\"" ? try quoted() : try token())
        }
    }

    private mutating func skipSpaces() {
        while index < scalars.count, scalars[index] == " " || scalars[index] == "\t" { index += 1 }
    }

    private mutating func token() throws(MultipartError) -> String {
        let start = index
        while index < scalars.count, scalars[index].isASCII, MultipartFormData.isTokenByte(UInt8(scalars[index].value)) { index += 1 }
        guard index > start else { throw MultipartError("malformed Content-Disposition: expected a token") }
        return String(String.UnicodeScalarView(scalars[start..<index]))
    }

    private mutating func quoted() throws(MultipartError) -> String {
        index += 1  // the opening quote
        var value = String.UnicodeScalarView()
        while index < scalars.count {
            let scalar = scalars[index]
            index += 1
            switch scalar {
            case "\"": return String(value)
            case "\\":
                guard index < scalars.count else { throw MultipartError("unterminated quoted string in Content-Disposition") }
                value.append(scalars[index])
                index += 1
            default: value.append(scalar)
            }
        }
        throw MultipartError("unterminated quoted string in Content-Disposition")
    }
}

extension StringProtocol {
    /// Without leading and trailing spaces and tabs, scalar by scalar (a space before a combining mark is one Character
    /// with it, and is trimmed all the same).
    func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        let isSpace: (Unicode.Scalar) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = scalars.firstIndex(where: { !isSpace($0) }), let last = scalars.lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(String.UnicodeScalarView(scalars[first...last]))
    }
}
