/// What a product id may be (`products.product_id`), wherever one comes in (the API's forms and paths, catalog
/// CSV rows): 1–200 characters without NUL, and not `.` or `..` (no URL path can carry those as a segment: clients
/// resolve them away).
public enum ProductIDRule {
    /// `products.product_id`: at most 200 characters.
    public static let maximumLength = 200

    /// Why `id` cannot be a product id, or `nil` when it can.
    public static func problem(with id: String) -> String? {
        if id.isEmpty { return "a product id must not be empty" }
        if id.unicodeScalars.count > maximumLength { return "a product id is at most \(maximumLength) characters" }
        if id.unicodeScalars.contains("\0") { return "a product id must not contain NUL" }
        if id == "." || id == ".." { return "a product id cannot be \"\(id)\"" }
        return nil
    }
}
