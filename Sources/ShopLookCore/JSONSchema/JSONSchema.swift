/// A compiled JSON Schema (draft 2020-12 subset) that validates ``JSONValue`` instances.
///
/// Supported: `type` (incl. arrays of types), `properties`, `required`,
/// `additionalProperties` (boolean or schema), `items` (single schema), `minItems`,
/// `maxItems`, `enum`, `const`, `pattern` (unanchored), `minLength`, `maxLength`
/// (Unicode scalars), `minimum`, `maximum`, `exclusiveMinimum`, `exclusiveMaximum`,
/// `format: "date-time"` (asserted, RFC 3339), `contentEncoding: "base64"` (asserted,
/// strict RFC 4648 with padding), root `$defs` with local
/// `$ref: "#/$defs/<name>"`, and the annotations `$schema` (must be 2020-12), `$id`,
/// `$comment`, `title`, `description`, `examples`, `default`. Any other keyword or
/// format makes compilation throw, so a schema is never silently half-checked.
///
/// ```swift
/// let schema = try JSONSchema(parsing: schemaBytes)
/// let problems = schema.validate(try JSONValue.parse(messageBytes))
/// ```
public struct JSONSchema: Sendable {
    /// The schema's `$id`, if it declares one.
    public let id: String?
    /// The schema's `title`, if it declares one.
    public let title: String?
    /// The schema document as parsed.
    public let document: JSONValue

    private let root: SchemaNode
    private let definitions: [String: SchemaNode]

    /// Compiles a parsed schema document.
    ///
    /// - Throws: ``SchemaError`` naming the keyword and location of anything unsupported or malformed.
    public init(_ document: JSONValue) throws(SchemaError) {
        (root, definitions) = try SchemaCompiler.compileDocument(document)
        self.document = document
        id = document["$id"]?.stringValue
        title = document["title"]?.stringValue
    }

    /// Parses and compiles a schema from UTF-8 JSON bytes; `source` names it in errors.
    public init(parsing bytes: some Collection<UInt8>, source: String = "(inline)") throws(SchemaError) {
        let document: JSONValue
        do {
            document = try JSONValue.parse(bytes)
        } catch {
            throw .invalidJSON(source: source, reason: error.description)
        }
        try self.init(document)
    }

    /// Every violation of the schema by `instance`, in a stable order; empty when valid.
    public func validate(_ instance: JSONValue) -> [SchemaViolation] {
        var validator = SchemaValidator(definitions: definitions)
        validator.validate(instance, against: root, at: "")
        return validator.violations
    }

    /// Whether `instance` satisfies the schema.
    public func isValid(_ instance: JSONValue) -> Bool {
        validate(instance).isEmpty
    }
}
