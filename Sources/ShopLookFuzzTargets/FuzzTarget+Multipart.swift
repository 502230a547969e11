import ShopLookCore

extension FuzzTarget {
    /// The API's `multipart/form-data` reading (`POST /v1/products`, `POST /v1/looks` as a form): the boundary from the
    /// `Content-Type` value, then the body split into parts.
    ///
    /// The input is the `Content-Type` value up to the first LF (as UTF-8, invalid sequences replaced: the HTTP server
    /// hands the API a String), then the body.
    static let multipart = FuzzTarget(
        name: "multipart",
        summary: """
            MultipartFormData.boundary(contentType:) then MultipartFormData(parsing:boundary:) with the API's limits: a \
            boundary is 1-70 of RFC 2046's characters, taken only from a multipart/form-data type; every refusal is a \
            MultipartError (not form data only for another media type) with a reason on one printable line; accepted \
            parts are at most the limit, in body order, without CR or LF in their names, file names and types, and \
            written back as a form with the same boundary they parse to the same parts
            """
    ) { (input) throws(FuzzFailure) in
        let check = Invariants(target: "multipart")
        let newline = input.firstIndex(of: 10) ?? input.count
        let contentType = String(decoding: UnsafeRawBufferPointer(rebasing: input[..<newline]), as: UTF8.self)
        let body = Array(input[min(newline + 1, input.count)...])

        let boundary: String
        switch Result(catching: { () throws(MultipartError) in try MultipartFormData.boundary(contentType: contentType) }) {
        case .success(let found):
            try check.require(mediaType(contentType) == "multipart/form-data", "a boundary from the type \(contentType.debugDescription.prefix(200))")
            try check.require(MultipartFormData.isValidBoundary(found), "the invalid boundary \(found.debugDescription) was taken")
            boundary = found
        case .failure(let error):
            if error.kind == .malformed {
                try check.require(mediaType(contentType) == "multipart/form-data", "malformed, not \"not form data\", for \(contentType.debugDescription.prefix(200))")
            }
            try checkReason(error, check: check)
            return
        }

        let limits = MultipartFormData.Limits()
        let form: MultipartFormData
        switch Result(catching: { () throws(MultipartError) in try MultipartFormData(parsing: body, boundary: boundary, limits: limits) }) {
        case .success(let parsed): form = parsed
        case .failure(let error):
            try check.require(error.kind == .malformed, "a body refused as \(error.kind)")
            try checkReason(error, check: check)
            return
        }
        try check.require(form.parts.count <= limits.maximumParts, "\(form.parts.count) parts (limit \(limits.maximumParts))")
        var end = 0
        for part in form.parts {
            try check.require(part.body.startIndex >= end && part.body.endIndex <= body.count, "part bodies overlap or leave the body")
            end = part.body.endIndex
            for text in [part.name, part.filename ?? "", part.contentType ?? ""] {
                try check.require(!text.unicodeScalars.contains { $0 == "\r" || $0 == "\n" }, "a line break in \(text.debugDescription.prefix(200))")
            }
        }

        // Written back, the headers can be a few bytes longer than the ones read (`name=x` becomes `name="x"`).
        let written = writeForm(form.parts, boundary: boundary)
        let wider = MultipartFormData.Limits(maximumParts: limits.maximumParts, maximumHeaderBytes: limits.maximumHeaderBytes + 64)
        switch Result(catching: { () throws(MultipartError) in try MultipartFormData(parsing: written, boundary: boundary, limits: wider) }) {
        case .success(let again):
            try check.require(again.parts.count == form.parts.count, "\(form.parts.count) parts written back read as \(again.parts.count)")
            for (first, second) in zip(form.parts, again.parts) {
                try check.require(
                    first.name == second.name && first.filename == second.filename && first.contentType == second.contentType
                        && Array(first.body) == Array(second.body),
                    "a part written back reads differently: \(second.name.debugDescription.prefix(100)) against \(first.name.debugDescription.prefix(100))")
            }
        case .failure(let error):
            throw check.failure("the parts written back are refused: \(error)")
        }
    }

    /// A refusal's reason: not empty, one line, no control character (the API answers it and may log it).
    private static func checkReason(_ error: MultipartError, check: Invariants) throws(FuzzFailure) {
        try check.require(!error.reason.isEmpty, "a refusal without a reason")
        try check.requirePrintable(error.reason, "the reason")
    }

    /// The media type of a `Content-Type` value, scalar by scalar: up to the first `;`, without spaces and tabs around
    /// it, lower-cased.
    static func mediaType(_ contentType: String) -> String {
        let scalars = Array(contentType.unicodeScalars.prefix { $0 != ";" })
        let isSpace: (Unicode.Scalar) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = scalars.firstIndex(where: { !isSpace($0) }), let last = scalars.lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(String.UnicodeScalarView(scalars[first...last])).lowercased()
    }

    /// `parts` as a `multipart/form-data` body: each with its `Content-Disposition` (name and file name as quoted
    /// strings, `"` and `\` escaped) and `Content-Type` when it has one, no preamble, no epilogue.
    static func writeForm(_ parts: [MultipartPart], boundary: String) -> [UInt8] {
        func quoted(_ text: String) -> String {
            var out = "\""
            for scalar in text.unicodeScalars {
                if scalar == "\"" || scalar == "\\" { out.unicodeScalars.append("\\") }
                out.unicodeScalars.append(scalar)
            }
            return out + "\""
        }
        var bytes: [UInt8] = []
        for part in parts {
            var headers = "--\(boundary)\r\nContent-Disposition: form-data; name=\(quoted(part.name))"
            if let filename = part.filename { headers += "; filename=\(quoted(filename))" }
            headers += "\r\n"
            if let contentType = part.contentType { headers += "Content-Type: \(contentType)\r\n" }
            bytes += Array((headers + "\r\n").utf8) + part.body + Array("\r\n".utf8)
        }
        return bytes + Array("--\(boundary)--\r\n".utf8)
    }
}
