/// One part of a `multipart/form-data` body: a form field, or a file when it has a file name.
public struct MultipartPart: Sendable, Equatable {
    /// The `name` of its `Content-Disposition: form-data`.
    public var name: String
    /// The `filename` of its `Content-Disposition`, for a file.
    public var filename: String?
    /// Its `Content-Type`, as sent.
    public var contentType: String?
    /// Its bytes (a slice of the body; no copy).
    public var body: ArraySlice<UInt8>

    public init(name: String, filename: String? = nil, contentType: String? = nil, body: ArraySlice<UInt8>) {
        self.name = name
        self.filename = filename
        self.contentType = contentType
        self.body = body
    }

    /// The body as UTF-8 text; `nil` when it is not valid UTF-8.
    public var text: String? {
        String(validating: body, as: UTF8.self)
    }
}
