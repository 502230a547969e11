/// The JSON Schema (draft 2020-12) keywords the ShopLook validator understands.
enum SchemaKeyword {
    /// The only `$schema` dialect accepted.
    static let draft202012 = "https://json-schema.org/draft/2020-12/schema"

    /// Keywords that constrain instances.
    static let assertions: [String] = [
        "type", "properties", "required", "additionalProperties", "items", "minItems", "maxItems",
        "enum", "const", "pattern", "minLength", "maxLength", "minimum", "maximum",
        "exclusiveMinimum", "exclusiveMaximum", "format", "contentEncoding", "$defs", "$ref",
    ]

    /// Keywords that only annotate and are ignored during validation.
    static let annotations: Set<String> = [
        "$schema", "$id", "$comment", "title", "description", "examples", "default",
    ]

    /// The only supported values of `format`.
    static let formats: Set<String> = ["date-time"]

    /// The only supported value of `contentEncoding` (asserted, not just annotated).
    static let contentEncodings: Set<String> = ["base64"]

    static var supportedList: String {
        (assertions + annotations.sorted()).joined(separator: ", ")
    }
}
