/// The rules of a shopper's photo as `POST /v1/looks` and the page's form (`POST /looks`) send it: the raw JPEG or PNG
/// body (`Content-Type: image/jpeg` or `image/png`) or multipart/form-data with the file field `image` and an optional
/// text field `k`; `k` may also come as the query parameter `?k=`, which a form's `k` overrides.
///
/// Pure rules over the parsed request (no HTTP server): the API reads the body and answers a ``FormFieldError`` 400,
/// and the `forms` fuzz target (`shoplook-fuzz forms`) checks them on arbitrary input.
public enum LookForm {
    /// Products per article when the request does not say.
    public static let defaultK = 5
    /// The most products per article a look may ask for.
    public static let maximumK = 100
    /// The fields a look's form takes; any other is an error.
    public static let fieldNames = ["image", "k"]

    /// How a look's body is to be read, from its `Content-Type`.
    public enum BodyKind: Sendable, Equatable {
        /// The body is the photo (`image/jpeg`, `image/png`).
        case photo
        /// multipart/form-data: the photo is the file field `image`.
        case form
        /// Any other type, or none: the route answers 415.
        case unsupported
    }

    /// What the media type of `contentType` (``MultipartFormData/mediaType(_:)``) makes of the body.
    public static func bodyKind(contentType: String?) -> BodyKind {
        switch MultipartFormData.mediaType(contentType ?? "") {
        case "image/jpeg", "image/png": return .photo
        case "multipart/form-data": return .form
        default: return .unsupported
        }
    }

    /// `k` from its text (the query parameter's or the form field's); absent or empty: ``defaultK``.
    public static func k(_ text: String?) throws(FormFieldError) -> Int {
        guard let text, !text.isEmpty else { return defaultK }
        guard let value = Int(text), (1...maximumK).contains(value) else { throw FormFieldError("k must be a whole number 1-\(maximumK)") }
        return value
    }

    /// The photo and `k` of a look's form: exactly one `image` field, at most one `k` (text; it overrides `queryK`,
    /// the value already read from the query), nothing else.
    public static func fields(of form: MultipartFormData, queryK: Int) throws(FormFieldError) -> (photo: ArraySlice<UInt8>, k: Int) {
        let fields = try form.fieldsOnce(allowed: fieldNames)
        guard let image = fields["image"] else { throw FormFieldError("the form has no \"image\" file field") }
        var k = queryK
        if let field = fields["k"] {
            guard let text = field.text else { throw FormFieldError("the \"k\" field is not UTF-8 text") }
            k = try Self.k(text)
        }
        return (image.body, k)
    }
}
