@testable import ShopLookCore
import Testing

@Suite("multipart/form-data parser")
struct MultipartFormDataTests {
    let boundary = "XyZ-boundary"

    func parse(_ text: String, limits: MultipartFormData.Limits = .init()) throws(MultipartError) -> MultipartFormData {
        try MultipartFormData(parsing: Array(text.utf8), boundary: boundary, limits: limits)
    }

    func reason(_ text: String, limits: MultipartFormData.Limits = .init()) -> String? {
        do {
            _ = try parse(text, limits: limits)
            return nil
        } catch {
            #expect(error.kind == .malformed)
            return error.reason
        }
    }

    @Test func fieldsAndFilesInOrder() throws {
        let form = try parse(
            "--XyZ-boundary\r\nContent-Disposition: form-data; name=\"id\"\r\n\r\nsku-1\r\n"
                + "--XyZ-boundary\r\ncontent-disposition: FORM-DATA; name=\"image\"; filename=\"a \\\"b\\\".jpg\"\r\nContent-Type: image/jpeg\r\n\r\n"
                + "\r\n--not-the-boundary\r\n\r\n"
                + "\r\n--XyZ-boundary--\r\n")
        #expect(form.parts.count == 2)
        #expect(form.parts[0] == MultipartPart(name: "id", body: Array("sku-1".utf8)[...]))
        #expect(form.parts[0].text == "sku-1")
        #expect(form.parts[1].name == "image")
        #expect(form.parts[1].filename == "a \"b\".jpg")
        #expect(form.parts[1].contentType == "image/jpeg")
        // The body keeps CR LF and text that only looks like a delimiter.
        #expect(Array(form.parts[1].body) == Array("\r\n--not-the-boundary\r\n\r\n".utf8))
        #expect(form.parts(named: "id").count == 1)
    }

    @Test func preambleEpilogueEmptyPartsAndPadding() throws {
        let form = try parse(
            "a preamble\r\n--XyZ-boundary  \t\r\nContent-Disposition: form-data; name=empty\r\n\r\n\r\n--XyZ-boundary--epilogue ignored")
        #expect(form.parts == [MultipartPart(name: "empty", body: [][...])])
        #expect(try parse("--XyZ-boundary--\r\n").parts.isEmpty)
    }

    @Test func binaryBodiesSurviveWhole() throws {
        var generator = SplitMix64(seed: 7)
        let payload = (0..<100_000).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
        let body = Array("--XyZ-boundary\r\nContent-Disposition: form-data; name=\"image\"; filename=\"x\"\r\n\r\n".utf8) + payload
            + Array("\r\n--XyZ-boundary--".utf8)
        let form = try MultipartFormData(parsing: body, boundary: boundary)
        #expect(Array(form.parts[0].body) == payload)
    }

    @Test func contentTypeGivesTheBoundary() throws {
        #expect(try MultipartFormData.boundary(contentType: "multipart/form-data; boundary=abc") == "abc")
        #expect(try MultipartFormData.boundary(contentType: "Multipart/Form-Data ; charset=utf-8; BOUNDARY=\"a b:c\"") == "a b:c")
        func failure(_ value: String?) -> MultipartError? {
            do {
                _ = try MultipartFormData.boundary(contentType: value)
                return nil
            } catch {
                return error
            }
        }
        #expect(failure(nil)?.kind == .notFormData)
        #expect(failure("application/json")?.kind == .notFormData)
        #expect(failure("multipart/mixed; boundary=a")?.kind == .notFormData)
        #expect(failure("multipart/form-data")?.reason == "the multipart/form-data Content-Type has no boundary")
        #expect(failure("multipart/form-data; boundary=")?.kind == .malformed)
        #expect(failure("multipart/form-data; boundary=\(String(repeating: "a", count: 71))")?.kind == .malformed)
        #expect(failure("multipart/form-data; boundary=a{b}")?.kind == .malformed)
        #expect(failure("multipart/form-data; boundary=a; boundary=b")?.kind == .malformed)
        #expect(failure("multipart/form-data; nonsense")?.kind == .malformed)
    }

    @Test func malformedBodiesAreRejectedWithTheReason() {
        let start = "--XyZ-boundary\r\n"
        let disposition = "Content-Disposition: form-data; name=\"a\"\r\n"
        #expect(reason("no delimiter at all") == "the body has no \"--XyZ-boundary\" delimiter")
        #expect(reason(start + disposition + "\r\nvalue") == "the body ends before the closing \"--XyZ-boundary--\" delimiter")
        #expect(reason(start + disposition + "\r\nvalue\r\n--XyZ-boundary") == "a delimiter line must end with CRLF")
        #expect(reason("--XyZ-boundaryX\r\n" + disposition + "\r\nv\r\n--XyZ-boundary--") == "a delimiter line must end with CRLF")
        #expect(reason(start + "\r\nvalue\r\n--XyZ-boundary--") == "a part has no Content-Disposition")
        #expect(reason(start + "Content-Type: text/plain\r\n\r\nv\r\n--XyZ-boundary--") == "a part has no Content-Disposition")
        #expect(reason(start + "Content-Disposition: attachment; name=\"a\"\r\n\r\nv\r\n--XyZ-boundary--")
            == "a part's Content-Disposition must be form-data")
        #expect(reason(start + "Content-Disposition: form-data; filename=\"a\"\r\n\r\nv\r\n--XyZ-boundary--")
            == "a part's Content-Disposition has no name")
        #expect(reason(start + "Content-Disposition: form-data; name=\"a\"; NAME=\"b\"\r\n\r\nv\r\n--XyZ-boundary--")
            == "a part's Content-Disposition names name twice")
        #expect(reason(start + "Content-Disposition: form-data; name=\"a\r\n\r\nv\r\n--XyZ-boundary--")
            == "unterminated quoted string in Content-Disposition")
        #expect(reason(start + "Content-Disposition: form-data; name\r\n\r\nv\r\n--XyZ-boundary--")
            == "a Content-Disposition parameter has no value")
        #expect(reason(start + disposition + disposition + "\r\nv\r\n--XyZ-boundary--") == "a part names its Content-Disposition header twice")
        #expect(reason(start + disposition + " folded: line\r\n\r\nv\r\n--XyZ-boundary--")
            == "malformed part header name (folded or empty lines are not allowed)")
        #expect(reason(start + disposition + "no colon\r\n\r\nv\r\n--XyZ-boundary--") == "malformed part header line")
        #expect(reason(start + disposition + "X: a\rb\r\n\r\nv\r\n--XyZ-boundary--") == "a bare CR or LF in a part's headers")
        #expect(reason(start + disposition) == "a part's headers do not end")
    }

    @Test func headersThatAreNotUTF8AreRejected() {
        let body = Array("--XyZ-boundary\r\nContent-Disposition: form-data; name=\"".utf8) + [0xFF, 0xFE]
            + Array("\"\r\n\r\nv\r\n--XyZ-boundary--".utf8)
        #expect(throws: MultipartError("a part's headers are not UTF-8")) { try MultipartFormData(parsing: body, boundary: boundary) }
    }

    @Test func limitsBoundPartsAndHeaders() {
        let part = "--XyZ-boundary\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nv\r\n"
        let limits = MultipartFormData.Limits(maximumParts: 3, maximumHeaderBytes: 64)
        #expect(reason(String(repeating: part, count: 3) + "--XyZ-boundary--", limits: limits) == nil)
        #expect(reason(String(repeating: part, count: 4) + "--XyZ-boundary--", limits: limits) == "more than 3 parts")
        let longHeader = "--XyZ-boundary\r\nContent-Disposition: form-data; name=\"\(String(repeating: "n", count: 100))\"\r\n\r\nv\r\n--XyZ-boundary--"
        #expect(reason(longHeader, limits: limits) == "a part's headers are longer than 64 bytes")
    }

    @Test func findAgreesWithANaiveSearch() {
        var generator = SplitMix64(seed: 11)
        for _ in 0..<200 {
            let haystack = (0..<Int(generator.next() % 64)).map { _ in UInt8(generator.next() % 3) }
            let needle = (0..<Int(1 + generator.next() % 3)).map { _ in UInt8(generator.next() % 3) }
            let start = haystack.isEmpty ? 0 : Int(generator.next() % UInt64(haystack.count))
            let naive = haystack.indices.first { index in
                index >= start && index + needle.count <= haystack.count && Array(haystack[index..<index + needle.count]) == needle
            }
            #expect(MultipartFormData.find(needle, in: haystack, from: start) == naive, "\(needle) in \(haystack) from \(start)")
        }
    }
}
