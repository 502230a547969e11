import ShopLookAPI
import ShopLookCore
import ShopLookPipeline
import Testing

@Suite("The product upload form")
struct ProductUploadFormTests {
    func form(_ parts: [MultipartBody.Part]) throws -> MultipartFormData {
        let body = MultipartBody(parts)
        return try MultipartFormData(parsing: body.bytes, boundary: body.boundary)
    }

    let image = MultipartBody.Part.file("image", filename: "a.jpg", contentType: "image/jpeg", bytes: [0xFF, 0xD8, 0xFF, 1])
    var required: [MultipartBody.Part] { [.field("id", "sku/1"), .field("title", "Tee"), .field("url", "https://shop.example/1"), image] }

    func failure(_ parts: [MultipartBody.Part]) throws -> String? {
        let parsed = try form(parts)
        do {
            _ = try ProductUploadForm.upload(from: parsed)
            return nil
        } catch {
            #expect(error.status == .badRequest)
            return error.message
        }
    }

    @Test func everyFieldBecomesTheUpload() throws {
        let upload = try ProductUploadForm.upload(from: try form(required + [.field("category", "Jeans"), .field("super_category", "lower")]))
        #expect(upload == CatalogUpload(
            bytes: [0xFF, 0xD8, 0xFF, 1], productID: "sku/1", title: "Tee", url: "https://shop.example/1", category: "Jeans",
            superCategory: .lower))
        let minimal = try ProductUploadForm.upload(from: try form(required))
        #expect(minimal.category == nil && minimal.superCategory == nil)
        // An empty title is a title; an empty image is the decoder's to refuse (422), not the form's.
        let empty = try ProductUploadForm.upload(from: try form([.field("id", "a"), .field("title", ""), .field("url", "u"),
                                                                  .file("image", filename: "a", contentType: "image/png", bytes: [])]))
        #expect(empty.title == "" && empty.bytes.isEmpty)
    }

    @Test func missingUnknownAndRepeatedFieldsAreBadRequests() throws {
        #expect(try failure(Array(required.dropLast())) == "the form has no \"image\" file field")
        #expect(try failure(Array(required.dropFirst())) == "the form has no \"id\" field")
        #expect(try failure([required[0], required[2], image]) == "the form has no \"title\" field")
        #expect(try failure([required[0], required[1], image]) == "the form has no \"url\" field")
        #expect(try failure(required + [.field("colour", "red")])?.hasPrefix("unknown form field \"colour\"") == true)
        #expect(try failure(required + [.field("title", "again")]) == "the form field \"title\" is sent twice")
    }

    @Test func fieldsOutsideTheSchemaAreBadRequests() throws {
        func with(_ name: String, _ value: String) throws -> String? {
            try failure(required.filter { if case .field(name, _) = $0 { false } else { true } } + [.field(name, value)])
        }
        #expect(try with("id", "") == "a product id must not be empty")
        #expect(try with("id", String(repeating: "é", count: 200)) == nil)
        #expect(try with("id", String(repeating: "é", count: 201)) == "a product id is at most 200 characters")
        // Length is in characters as PostgreSQL counts them (code points), not grapheme clusters.
        #expect(try with("id", String(repeating: "e\u{301}", count: 101)) == "a product id is at most 200 characters")
        #expect(try with("id", "a\u{0}b") == "the \"id\" field contains a NUL character")
        #expect(try with("id", "..") == "a product id cannot be \"..\"")
        #expect(try with("title", String(repeating: "t", count: 2001)) == "title is longer than 2000 characters")
        #expect(try with("title", "a\u{0}") == "the \"title\" field contains a NUL character")
        #expect(try with("url", "") == "url must be 1-2048 characters")
        #expect(try with("category", "") == "category must be 1-128 characters")
        #expect(try with("category", String(repeating: "c", count: 129)) == "category must be 1-128 characters")
        #expect(try with("super_category", "hats") == "super_category must be upper, lower or foot, not \"hats\"")
        #expect(try with("super_category", "") == "super_category must be upper, lower or foot, not \"\"")
    }

    @Test func textThatIsNotUTF8IsABadRequest() throws {
        let body = MultipartBody(required)
        var bytes = body.bytes
        let title = Array("Tee".utf8)
        let at = bytes.indices.first { Array(bytes[$0..<$0 + 3]) == title }!
        bytes.replaceSubrange(at..<at + 3, with: [0xC3, 0x28, 0x41])
        let form = try MultipartFormData(parsing: bytes, boundary: body.boundary)
        #expect(throws: APIError.self) { try ProductUploadForm.upload(from: form) }
        do {
            _ = try ProductUploadForm.upload(from: form)
        } catch {
            #expect(error.message == "the \"title\" field is not UTF-8 text")
        }
    }
}
