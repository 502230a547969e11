import Foundation
import ShopLookCore
@testable import ShopLookFuzzTargets
import ShopLookSearch
import Testing

/// Each input that once broke a fuzz target's invariant (`Fuzz/corpus/<target>/regression-*`), fed to the same target,
/// and the behaviour its fix gives, asserted directly.
@Suite struct FuzzRegressionTests {
    static func input(_ target: String, _ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: FuzzCorpusTests.corpus.appendingPathComponent("\(target)/regression-\(name)")))
    }

    /// The codec over the package's `Schemas/` (the test runs from the package root).
    static var codec: MessageCodec {
        get throws { try MessageCodec() }
    }

    /// libFuzzer (messages target, after 854,517 executions): a cropped-articles message whose article has property
    /// names holding line breaks (`\n` escapes); each name was quoted raw in the error text, which went to the log,
    /// the dead_letters row and the envelope, so a message could forge log lines. Names are now escaped.
    @Test func propertyNamesWithLineBreaksStayOnTheirLineOfTheErrorText() throws {
        let bytes = try Self.input("messages", "key-with-line-breaks")
        try FuzzTarget.named("messages")!.run(bytes)
        let error = try #require(throws: MessageError.self) {
            try Self.codec.decode(CroppedArticlesMessage.self, from: Array(bytes.dropFirst()))
        }
        let lines = error.description.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 1 + error.violations.count, "one heading and one line per violation")
        #expect(error.description.contains("\\n}"), "the line breaks of the names are written as \\n")

        let forged = #"{"version":1,"x\nERROR forged log line":1,"y\u001b[2J":2}"#
        let other = try #require(throws: MessageError.self) { try Self.codec.decode(EmbeddedMessage.self, from: Array(forged.utf8)) }
        #expect(!other.description.contains("\nERROR forged") && !other.description.contains("\u{1B}"))
        #expect(other.description.contains(#"/x\nERROR forged log line: property "x\nERROR forged log line" is not allowed"#))
        #expect(other.description.contains(#"/y\u{1B}[2J"#))
        // The pointer itself stays the member's name (RFC 6901): only the text is escaped.
        #expect(other.violations.contains { $0.path == "/x\nERROR forged log line" })
    }

    /// libFuzzer (json target, CI's 8-second run): a member name starting with U+0301 after the pointer's "/" made
    /// the target's own check fail — "/" and the combining mark are one Character, so `hasPrefix("/")` was false for a
    /// pointer that does start with "/". The check now compares scalars; the pointer was right.
    @Test func aPointerWhoseFirstMemberStartsWithACombiningMarkStillStartsWithASlash() throws {
        let bytes = try Self.input("json", "pointer-slash-before-combining-mark")
        try FuzzTarget.named("json")!.run(bytes)
        let error = try #require(throws: MessageError.self) { try Self.codec.decode(NewImageMessage.self, from: bytes) }
        let pointer = try #require(error.violations.first { Array($0.path.unicodeScalars.prefix(2)) == ["/", "\u{301}"] }?.path)
        #expect(pointer.unicodeScalars.first == "/" && !pointer.hasPrefix("/"), "the trap the target fell into: \(pointer)")
    }

    /// The same for a duplicate key, which the JSON parser quoted in its error.
    @Test func aDuplicateKeyWithALineBreakIsQuotedEscaped() throws {
        let error = try #require(throws: JSONParseError.self) { try JSONValue.parse(#"{"a\nb":1,"a\nb":2}"#) }
        #expect(error.reason == #"duplicate object key "a\nb""#)
    }

    /// The messages target's round trip (decode, encode, decode must give the same message) on dates with more than
    /// millisecond precision: the message read back was not the one read first (`.1234Z` became `.123Z`, `.9999Z`
    /// the next second). Parsing now rounds to the millisecond, the precision encoding writes.
    @Test func aDateFinerThanTheMillisecondReadsAsTheMillisecondItIsWrittenBackAs() throws {
        let bytes = try Self.input("messages", "date-sub-millisecond")
        try FuzzTarget.named("messages")!.run(bytes)
        let message = try Self.codec.decode(NewImageMessage.self, from: Array(bytes.dropFirst()))
        #expect(message.uploadedAt == Date(timeIntervalSince1970: 1_714_564_800.123))
        #expect(try Self.codec.decode(NewImageMessage.self, from: Self.codec.encode(message)) == message)
    }

    /// Dates the codec accepted but could not write back: 9999-12-31T23:59:59.9995Z rounds into the year 10000, and
    /// 0000-01-01T00:30:00+01:00 is before the year 0000 in UTC; encoding the decoded message failed its own schema.
    /// They are now refused when read, as the schema's `date-time` format.
    @Test(arguments: ["date-rounds-past-9999", "date-before-0000"])
    func aDateEncodingCannotWriteIsRefusedWhenRead(name: String) throws {
        let bytes = try Self.input("messages", name)
        try FuzzTarget.named("messages")!.run(bytes)
        let error = try #require(throws: MessageError.self) { try Self.codec.decode(NewImageMessage.self, from: Array(bytes.dropFirst())) }
        #expect(error.violations.map(\.path) == ["/uploaded_at"] && error.violations.map(\.keyword) == ["format"])
    }

    /// libFuzzer (csv target, after 221,188 executions): a quoted field holding a quote followed by a combining mark
    /// (U+065E). CSVReader reads it right (it works on scalars); the target's own writer doubled quotes Character by
    /// Character, and `"` + U+065E is one Character, so the text it wrote back was not CSV. The writer now works on
    /// scalars; the reader's reading is asserted here.
    @Test func aQuoteFollowedByACombiningMarkIsReadAndWrittenBackScalarByScalar() throws {
        let bytes = try Self.input("csv", "quote-before-combining-mark")
        try FuzzTarget.named("csv")!.run(bytes)
        let records = try CSVReader.parse(String(decoding: bytes, as: UTF8.self))
        #expect(records == [["1\"\"\"\u{FFFD}\"\"\"\u{65E}\u{75D}\u{FFFD}"]])
        #expect(FuzzTarget.writeCSV(records, quoteAll: true) == "\"1\"\"\"\"\"\"\u{FFFD}\"\"\"\"\"\"\u{65E}\u{75D}\u{FFFD}\"\n")
    }

    /// The json target's pointer check, added after the CSV finding above: a member name holding `/` followed by a
    /// combining mark was not escaped in a violation's JSON Pointer (escapePointer compared Characters), so the
    /// pointer named two tokens and no value of the message. Pointers are now escaped scalar by scalar.
    @Test func aSlashFollowedByACombiningMarkIsEscapedInTheViolationsPointer() throws {
        let bytes = try Self.input("json", "slash-before-combining-mark")
        try FuzzTarget.named("json")!.run(bytes)
        let error = try #require(throws: MessageError.self) { try Self.codec.decode(NewImageMessage.self, from: bytes) }
        let extra = error.violations.filter { $0.keyword == "additionalProperties" }.map(\.path).sorted()
        #expect(extra == ["/a~1\u{301}b", "/c~0\u{301}", "/plain~1x"])
    }

    /// libFuzzer (multipart target, the 15th execution: a mutation of a seed): a `Content-Type` whose media type holds
    /// control characters (`Multipart\xFF…\x07/Form-Data`); the 415's reason quoted the type raw. It is now quoted
    /// with its control characters escaped, as the message codecs' errors quote member names.
    @Test func aMediaTypeWithControlCharactersIsQuotedEscapedInThe415sReason() throws {
        let bytes = try Self.input("multipart", "control-character-in-media-type")
        try FuzzTarget.named("multipart")!.run(bytes)
        let error = try #require(throws: MultipartError.self) {
            try MultipartFormData.boundary(contentType: "text/plain\u{7}\u{1B}[2J\u{85}x; boundary=b")
        }
        #expect(error.kind == .notFormData, "the media type is lower-cased, then quoted escaped")
        #expect(error.reason == #"the body must be multipart/form-data, not text/plain\u{7}\u{1B}[2j\u{85}x"#)
    }

    /// A product form (`POST /v1/products`) of the given text fields and an image.
    static func productForm(_ fields: [(String, String)]) throws -> MultipartFormData {
        var body: [UInt8] = []
        for (name, value) in fields + [("image", "x")] {
            let quoted = name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            body += Array("--b\r\nContent-Disposition: form-data; name=\"\(quoted)\"\r\n\r\n\(value)\r\n".utf8)
        }
        return try MultipartFormData(parsing: body + Array("--b--\r\n".utf8), boundary: "b")
    }

    static let requiredProductFields = [("id", "sku-1"), ("title", "Tee"), ("url", "https://shop.example/1")]

    /// libFuzzer (forms target, after 3,406 executions: a mutation of a product seed): a part named `ima` and 400
    /// bytes 0x02; the 400's reason quoted the unknown field's name raw (the multipart parser refuses only CR and LF
    /// in names), so a form could put control characters into the answer and any log of it. A name is now quoted
    /// with its control characters escaped and cut at 100 characters; the same for a look's form.
    @Test func anUnknownFieldsNameIsQuotedEscapedAndCut() throws {
        try FuzzTarget.named("forms")!.run(try Self.input("forms", "control-characters-in-field-name"))
        let hostile = try Self.productForm(Self.requiredProductFields + [("a\u{1B}[2J\u{7}\u{2028}", "v")])
        #expect(throws: FormFieldError(#"unknown form field "a\u{1B}[2J\u{7}\u{2028}" (fields: category, id, image, super_category, title, url)"#)) {
            try ProductForm.fields(of: hostile)
        }
        let long = try Self.productForm(Self.requiredProductFields + [(String(repeating: "n", count: 300), "v")])
        let error = try #require(throws: FormFieldError.self) { try ProductForm.fields(of: long) }
        #expect(error.reason.hasPrefix("unknown form field \"\(String(repeating: "n", count: 100))…\" (fields: "), "\(error.reason.prefix(140))")
        let look = try Self.productForm([("\u{9B}31m", "v")])
        #expect(throws: FormFieldError(#"unknown form field "\u{9B}31m" (fields: image, k)"#)) { try LookForm.fields(of: look, queryK: 5) }
    }

    /// The forms target's invariant on a hand-made input (libFuzzer had not reached it in 873,333 executions): a
    /// `super_category` value holding a control character was quoted raw in the 400's reason. Quoted escaped now.
    @Test func aSuperCategoryOutsideTheThreeIsQuotedEscaped() throws {
        try FuzzTarget.named("forms")!.run(try Self.input("forms", "control-character-in-super-category"))
        let form = try Self.productForm(Self.requiredProductFields + [("super_category", "h\u{1}ts\nX-Forged: 1")])
        #expect(throws: FormFieldError(#"super_category must be upper, lower or foot, not "h\u{1}ts\nX-Forged: 1""#)) {
            try ProductForm.fields(of: form)
        }
    }

    /// libFuzzer (forms target, after 80,182 executions): `Content-Type: multipart/form-data;` followed by U+059D, a
    /// combining mark. `;` and the mark are one Character, so splitting the value at ";" by Characters did not split
    /// it: the type read as `multipart/form-data;\u{59D}ndary=…`, and a look's form was a 415 "not multipart/form-data"
    /// (the target's independent reading, scalar by scalar, says the type is multipart/form-data). The `Content-Type`
    /// is now read scalar by scalar (``MultipartFormData/mediaType(_:)``, ``MultipartFormData/boundary(contentType:)``,
    /// the trimming of spaces): the type is multipart/form-data and its parameter no boundary, a 400.
    @Test func aCombiningMarkAfterTheSemicolonDoesNotHideIt() throws {
        try FuzzTarget.named("forms")!.run(try Self.input("forms", "combining-mark-after-semicolon"))
        let value = "multipart/form-data;\u{59D}ndary=xyz"
        #expect(Array(value.unicodeScalars).count == value.count + 1, "the trap: \";\" and the mark are one Character")
        #expect(MultipartFormData.mediaType(value) == "multipart/form-data")
        #expect(LookForm.bodyKind(contentType: value) == .form)
        let error = try #require(throws: MultipartError.self) { try MultipartFormData.boundary(contentType: value) }
        #expect(error == MultipartError(.malformed, "the multipart/form-data Content-Type has no boundary"))
        // The same for "=" (it was "malformed Content-Type parameter") and for a space before a mark (trimmed).
        #expect(throws: MultipartError("invalid boundary (1-70 characters of RFC 2046)")) {
            try MultipartFormData.boundary(contentType: "multipart/form-data; boundary=\u{301}b")
        }
        #expect(MultipartFormData.mediaType(" \u{301}image/jpeg") == "\u{301}image/jpeg")
        #expect(LookForm.bodyKind(contentType: "image/png \u{301}") == .unsupported)
    }

    /// libFuzzer (search-wire target, after about 119,000 executions): a search request whose query vector holds a NaN
    /// (base64 of its bits). Every cosine of it is NaN, JSON cannot carry NaN, and the searcher failed to encode its
    /// answer: a 500 for a bad request. ``SearchRequest/validate()``, which the searcher runs first, now refuses a
    /// vector with a NaN or an infinity (a 400 naming the query and the position).
    @Test func aQueryVectorWithANaNIsRefusedBeforeTheSearch() throws {
        let bytes = try Self.input("search-wire", "nan-in-query-vector")
        try FuzzTarget.named("search-wire")!.run(bytes)
        let request = try JSONDecoder().decode(SearchRequest.self, from: Data(bytes.dropFirst()))
        let query = request.queries[1]
        #expect(query.vector.values[4].isNaN && query.categories == ["shirt"])
        #expect(throws: SearchError.invalidRequest("query 1 holds a value that is not a finite number at 4")) { try request.validate() }
        // Why: the search itself answers NaN scores, which the searcher's JSON encoder refuses.
        let hits = try FuzzTarget.searchWireCatalog.search(query.indexKey, query: query.vector.values, k: 3, categories: ["shirt"])
        #expect(hits.count == 3 && hits.allSatisfy { $0.score.isNaN })
        #expect(throws: EncodingError.self) { try JSONEncoder().encode(hits.map(WireHit.init)) }

        for bad: Float in [.infinity, -.infinity, .nan] {
            let query = SearchQuery(superCategory: .upper, modelVersion: "v1", vector: [1, 2, bad, 4, 0, 0, 0, 0])
            #expect(throws: SearchError.invalidRequest("query 1 holds a value that is not a finite number at 2")) {
                try SearchRequest(shards: [], queries: [request.queries[0], query], k: 5).validate()
            }
        }
        // Finite values too large to square normalise to zeros: every score is 0, and the answer encodes.
        let huge = SearchQuery(superCategory: .upper, modelVersion: "v1", vector: Array(repeating: .greatestFiniteMagnitude, count: 8))
        try SearchRequest(shards: [], queries: [huge], k: 5).validate()
        let scores = try FuzzTarget.searchWireCatalog.search(huge.indexKey, query: huge.vector.values, k: 5).map(\.score)
        #expect(scores == [0, 0, 0, 0, 0])
    }
}
