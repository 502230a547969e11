/// A compiled (sub)schema.
enum SchemaNode: Sendable {
    /// The `true` schema: every instance is valid.
    case alwaysValid
    /// The `false` schema: no instance is valid.
    case neverValid
    /// An object schema with its assertions (boxed so matching never copies them).
    case constraints(SchemaConstraintsBox)
}

/// Immutable reference wrapper around ``SchemaConstraints``.
final class SchemaConstraintsBox: Sendable {
    let value: SchemaConstraints

    init(_ value: SchemaConstraints) {
        self.value = value
    }
}

/// The assertions of one object schema, each `nil`/empty when the keyword is absent.
struct SchemaConstraints: Sendable {
    /// Where this schema sits in its document, e.g. `#/properties/articles/items`.
    var location: String
    var types: [JSONType]?
    var properties: [String: SchemaNode] = [:]
    var required: [String] = []
    var additionalProperties: SchemaNode?
    var items: SchemaNode?
    var minItems: Int?
    var maxItems: Int?
    var enumValues: [JSONValue]?
    var constValue: JSONValue?
    var pattern: SchemaPattern?
    var minLength: Int?
    var maxLength: Int?
    var minimum: JSONValue?
    var maximum: JSONValue?
    var exclusiveMinimum: JSONValue?
    var exclusiveMaximum: JSONValue?
    /// `true` when `"format": "date-time"` is present (the only supported format).
    var requiresDateTime = false
    /// `true` when `"contentEncoding": "base64"` is present (asserted by this validator).
    var requiresBase64 = false
    /// Name of the root `$defs` entry referenced by `$ref`.
    var reference: String?

    init(location: String) {
        self.location = location
    }
}
