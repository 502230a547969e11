import ShopLookCore
import ShopLookPipeline

/// The form of `POST /v1/products` as a ``CatalogUpload``: the rules are ShopLookCore's ``ProductForm`` (text fields
/// `id`, `title`, `url`, `category` optional, `super_category` optional, one file field `image`, checked against the
/// `products` table's constraints before anything is stored); every problem is a 400 naming the field.
public enum ProductUploadForm {
    /// The fields the form takes; any other is an error.
    public static let fieldNames = Set(ProductForm.fieldNames)
    /// `products.title`: at most 2,000 characters.
    public static let maximumTitleLength = ProductForm.maximumTitleLength
    /// The longest URL taken.
    public static let maximumURLLength = ProductForm.maximumURLLength
    /// The longest category name taken: the `new-image` message's limit.
    public static let maximumCategoryLength = ProductForm.maximumCategoryLength

    /// The upload the form describes (its image not yet checked: that is the decoder's job, and an empty file is
    /// its "not an image", 422).
    public static func upload(from form: MultipartFormData) throws(APIError) -> CatalogUpload {
        let fields: ProductForm.Fields
        do {
            fields = try ProductForm.fields(of: form)
        } catch {
            throw .badRequest(error.reason)
        }
        return CatalogUpload(
            bytes: Array(fields.image), productID: fields.productID, title: fields.title, url: fields.url, category: fields.category,
            superCategory: fields.superCategory)
    }
}
