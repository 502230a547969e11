import Foundation
import Hummingbird
import ShopLookCore

/// The ids of the API's paths, checked against the schema's constraints before any query (a violation is 400):
/// product ids follow ``ProductIDRule``; image and article ids are SHA-256 hex.
public enum ResourceID {
    /// `products.product_id`: at most 200 characters.
    public static let maximumProductIDLength = ProductIDRule.maximumLength

    /// A product id as the form or the path gives it (already percent-decoded).
    public static func product(_ id: String) throws(APIError) -> String {
        if let problem = ProductIDRule.problem(with: id) { throw .badRequest(problem) }
        return id
    }

    /// An image or article id: 64 lowercase hex digits.
    public static func digest(_ id: String, of what: String) throws(APIError) -> String {
        guard SHA256.isHexDigest(id) else { throw .badRequest("\(what) ids are 64 lowercase hex digits (a SHA-256)") }
        return id
    }

    /// The path parameter `name`, percent-decoded (Hummingbird leaves it as sent, so `%2F` stays in the segment).
    public static func pathParameter(_ name: String, in context: some RequestContext) throws(APIError) -> String {
        guard let raw = context.parameters.get(name) else { throw .badRequest("the path has no \(name)") }
        guard let decoded = raw.removingPercentEncoding else { throw .badRequest("the \(name) in the path is not valid percent-encoded UTF-8") }
        return decoded
    }

    /// `id` percent-encoded for one path segment (everything but RFC 3986's unreserved characters).
    public static func pathSegment(_ id: String) -> String {
        let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        return id.addingPercentEncoding(withAllowedCharacters: unreserved) ?? id
    }
}
