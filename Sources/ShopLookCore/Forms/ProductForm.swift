/// The rules of the form of `POST /v1/products`: text fields `id`, `title`, `url`, `category` (optional),
/// `super_category` (optional) and one file field `image`, checked against the `products` table's constraints before
/// anything is stored. Every problem is a ``FormFieldError`` naming the field (the API answers it 400).
///
/// Pure rules over the parsed parts (no HTTP server, no pipeline): the API's `ProductUploadForm` makes the upload
/// from them, and the `forms` fuzz target (`shoplook-fuzz forms`) checks them on arbitrary input.
public enum ProductForm {
    /// The fields the form takes; any other is an error.
    public static let fieldNames = ["id", "title", "url", "category", "super_category", "image"]
    /// `products.title`: at most 2,000 characters.
    public static let maximumTitleLength = 2000
    /// The longest URL taken.
    public static let maximumURLLength = 2048
    /// The longest category name taken: the `new-image` message's limit.
    public static let maximumCategoryLength = 128

    /// What a valid form holds (its image not yet checked: that is the decoder's job, and an empty file is its "not an
    /// image", 422).
    public struct Fields: Sendable, Equatable {
        public var image: ArraySlice<UInt8>
        public var productID: String
        public var title: String
        public var url: String
        public var category: String?
        public var superCategory: SuperCategory?

        public init(image: ArraySlice<UInt8>, productID: String, title: String, url: String, category: String?, superCategory: SuperCategory?) {
            self.image = image
            self.productID = productID
            self.title = title
            self.url = url
            self.category = category
            self.superCategory = superCategory
        }
    }

    /// The fields of `form`, or the first rule it breaks.
    public static func fields(of form: MultipartFormData) throws(FormFieldError) -> Fields {
        let fields = try form.fieldsOnce(allowed: fieldNames)
        guard let image = fields["image"] else { throw FormFieldError("the form has no \"image\" file field") }
        guard let id = try text("id", fields) else { throw FormFieldError("the form has no \"id\" field") }
        if let problem = ProductIDRule.problem(with: id) { throw FormFieldError(problem) }
        guard let title = try text("title", fields) else { throw FormFieldError("the form has no \"title\" field") }
        guard title.unicodeScalars.count <= maximumTitleLength else {
            throw FormFieldError("title is longer than \(maximumTitleLength) characters")
        }
        guard let url = try text("url", fields) else { throw FormFieldError("the form has no \"url\" field") }
        guard (1...maximumURLLength).contains(url.unicodeScalars.count) else {
            throw FormFieldError("url must be 1-\(maximumURLLength) characters")
        }
        let category = try text("category", fields)
        if let category, !(1...maximumCategoryLength).contains(category.unicodeScalars.count) {
            throw FormFieldError("category must be 1-\(maximumCategoryLength) characters")
        }
        var superCategory: SuperCategory?
        if let name = try text("super_category", fields) {
            guard let value = SuperCategory(rawValue: name) else {
                throw FormFieldError("super_category must be upper, lower or foot, not \(FormFieldError.quoted(name))")
            }
            superCategory = value
        }
        return Fields(image: image.body, productID: id, title: title, url: url, category: category, superCategory: superCategory)
    }

    /// A text field's value: UTF-8 without NUL (PostgreSQL text cannot hold it); `nil` when the field is absent.
    private static func text(_ name: String, _ fields: [String: MultipartPart]) throws(FormFieldError) -> String? {
        guard let part = fields[name] else { return nil }
        guard let text = part.text else { throw FormFieldError("the \"\(name)\" field is not UTF-8 text") }
        guard !text.unicodeScalars.contains("\0") else { throw FormFieldError("the \"\(name)\" field contains a NUL character") }
        return text
    }
}
