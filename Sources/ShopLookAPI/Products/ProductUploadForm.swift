import ShopLookCore
import ShopLookPipeline

/// The form of `POST /v1/products`: text fields `id`, `title`, `url`, `category` (optional), `super_category`
/// (optional) and one file field `image`, checked against the `products` table's constraints before anything is
/// stored. Every problem is a 400 naming the field.
public enum ProductUploadForm {
    /// The fields the form takes; any other is an error.
    public static let fieldNames: Set<String> = ["id", "title", "url", "category", "super_category", "image"]
    /// `products.title`: at most 2,000 characters.
    public static let maximumTitleLength = 2000
    /// The longest URL taken.
    public static let maximumURLLength = 2048
    /// The longest category name taken: the `new-image` message's limit.
    public static let maximumCategoryLength = 128

    /// The upload the form describes (its image not yet checked: that is the decoder's job, and an empty file is
    /// its "not an image", 422).
    public static func upload(from form: MultipartFormData) throws(APIError) -> CatalogUpload {
        var fields: [String: MultipartPart] = [:]
        for part in form.parts {
            guard fieldNames.contains(part.name) else {
                throw .badRequest("unknown form field \"\(part.name)\" (fields: \(fieldNames.sorted().joined(separator: ", ")))")
            }
            guard fields.updateValue(part, forKey: part.name) == nil else { throw .badRequest("the form field \"\(part.name)\" is sent twice") }
        }
        guard let image = fields["image"] else { throw .badRequest("the form has no \"image\" file field") }
        guard let id = try text("id", fields) else { throw .badRequest("the form has no \"id\" field") }
        let productID = try ResourceID.product(id)
        guard let title = try text("title", fields) else { throw .badRequest("the form has no \"title\" field") }
        guard title.unicodeScalars.count <= maximumTitleLength else {
            throw .badRequest("title is longer than \(maximumTitleLength) characters")
        }
        guard let url = try text("url", fields) else { throw .badRequest("the form has no \"url\" field") }
        guard (1...maximumURLLength).contains(url.unicodeScalars.count) else {
            throw .badRequest("url must be 1-\(maximumURLLength) characters")
        }
        let category = try text("category", fields)
        if let category, !(1...maximumCategoryLength).contains(category.unicodeScalars.count) {
            throw .badRequest("category must be 1-\(maximumCategoryLength) characters")
        }
        var superCategory: SuperCategory?
        if let name = try text("super_category", fields) {
            guard let value = SuperCategory(rawValue: name) else {
                throw .badRequest("super_category must be upper, lower or foot, not \"\(name)\"")
            }
            superCategory = value
        }
        return CatalogUpload(
            bytes: Array(image.body), productID: productID, title: title, url: url, category: category, superCategory: superCategory)
    }

    /// A text field's value: UTF-8 without NUL (PostgreSQL text cannot hold it); `nil` when the field is absent.
    private static func text(_ name: String, _ fields: [String: MultipartPart]) throws(APIError) -> String? {
        guard let part = fields[name] else { return nil }
        guard let text = part.text else { throw .badRequest("the \"\(name)\" field is not UTF-8 text") }
        guard !text.unicodeScalars.contains("\0") else { throw .badRequest("the \"\(name)\" field contains a NUL character") }
        return text
    }
}
