import ShopLookCore
import Testing

/// The field rules of a look (``LookForm``): the body kind from the `Content-Type`, `k` from the query or the form,
/// the form's fields.
@Suite struct LookFormTests {
    /// A form of `(name, body)` text fields, the field `image` a file.
    func form(_ fields: [(String, [UInt8])]) throws -> MultipartFormData {
        var body: [UInt8] = []
        for (name, value) in fields {
            let filename = name == "image" ? "; filename=\"a.jpg\"" : ""
            body += Array("--b\r\nContent-Disposition: form-data; name=\"\(name)\"\(filename)\r\n\r\n".utf8) + value + Array("\r\n".utf8)
        }
        return try MultipartFormData(parsing: body + Array("--b--\r\n".utf8), boundary: "b")
    }

    func failure(_ fields: [(String, [UInt8])], queryK: Int = 5) throws -> String? {
        let parsed = try form(fields)
        do {
            _ = try LookForm.fields(of: parsed, queryK: queryK)
            return nil
        } catch {
            return error.reason
        }
    }

    let image: (String, [UInt8]) = ("image", [0xFF, 0xD8, 0xFF, 1])

    @Test func theBodyKindIsTheMediaTypes() {
        #expect(LookForm.bodyKind(contentType: "image/jpeg") == .photo)
        #expect(LookForm.bodyKind(contentType: " Image/PNG ; x=y") == .photo)
        #expect(LookForm.bodyKind(contentType: "multipart/form-data; boundary=b") == .form)
        #expect(LookForm.bodyKind(contentType: "image/gif") == .unsupported)
        #expect(LookForm.bodyKind(contentType: "image/jpegx") == .unsupported)
        #expect(LookForm.bodyKind(contentType: "") == .unsupported && LookForm.bodyKind(contentType: nil) == .unsupported)
    }

    @Test func kIsAWholeNumberFrom1To100AndFiveWhenAbsent() throws {
        #expect(try LookForm.k(nil) == 5 && LookForm.k("") == 5)
        #expect(try LookForm.k("1") == 1 && LookForm.k("100") == 100 && LookForm.k("+007") == 7)
        for bad in ["0", "101", "-3", "2.5", " 3", "3 ", "three", "99999999999999999999"] {
            #expect(throws: FormFieldError("k must be a whole number 1-100"), "\(bad)") { try LookForm.k(bad) }
        }
    }

    @Test func theFormsImageAndItsKWhichOverridesTheQuerys() throws {
        let read = try LookForm.fields(of: try form([image, ("k", Array("12".utf8))]), queryK: 3)
        #expect(Array(read.photo) == image.1 && read.k == 12)
        let withoutK = try LookForm.fields(of: try form([image]), queryK: 3)
        #expect(withoutK.k == 3)
        #expect(try LookForm.fields(of: try form([("k", []), image]), queryK: 3).k == 5, "an empty k is the default")
    }

    @Test func missingUnknownAndRepeatedFieldsAreRefused() throws {
        #expect(try failure([("k", Array("4".utf8))]) == "the form has no \"image\" file field")
        #expect(try failure([image, image]) == "the form field \"image\" is sent twice")
        // A k sent twice was read as its first value; it is refused as a repeated image is.
        #expect(try failure([image, ("k", Array("2".utf8)), ("k", Array("3".utf8))]) == "the form field \"k\" is sent twice")
        #expect(try failure([image, ("colour", Array("red".utf8))]) == "unknown form field \"colour\" (fields: image, k)")
        #expect(try failure([image, ("k", [0xC3, 0x28])]) == "the \"k\" field is not UTF-8 text")
        #expect(try failure([image, ("k", Array("101".utf8))]) == "k must be a whole number 1-100")
    }
}
