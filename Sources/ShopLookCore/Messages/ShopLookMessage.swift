/// A message carried on one of the ShopLook Kafka topics.
///
/// Each conforming type has a JSON Schema `Schemas/<schemaName>.schema.json` that
/// ``MessageCodec`` checks on both encode and decode.
public protocol ShopLookMessage: Codable, Sendable {
    /// The schema's base file name, e.g. `"new-image"` for `new-image.schema.json`.
    static var schemaName: String { get }
    /// The message format version this code writes and reads.
    static var currentVersion: Int { get }
    /// The format version of this message instance (`version` in the JSON).
    var version: Int { get }
}
