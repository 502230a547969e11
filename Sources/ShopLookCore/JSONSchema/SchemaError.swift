/// Why a JSON Schema document could not be loaded or compiled.
///
/// The validator refuses schemas it cannot check completely, so every one of these
/// is a deployment/authoring problem to fix in the `Schemas/` folder, never a
/// problem with a message.
public enum SchemaError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The schema file is not valid JSON.
    case invalidJSON(source: String, reason: String)
    /// The schema uses a keyword this validator does not implement (e.g. `oneOf`).
    case unsupportedKeyword(String, at: String)
    /// A supported keyword has a value of the wrong shape (e.g. `"minItems": -1`,
    /// an unsupported `format`, a pattern that is not a valid regular expression).
    case invalidKeywordValue(String, at: String, reason: String)
    /// A `$ref` that is not of the form `#/$defs/<name>` or names a missing definition.
    case unresolvedReference(String, at: String)
    /// `$ref`s that point at each other without descending into the instance.
    case referenceCycle([String])
    /// No `<name>.schema.json` in the schema directory.
    case notFound(name: String, directory: String)
    /// The schema file exists but could not be read.
    case unreadable(path: String, reason: String)

    /// A sentence a person can act on.
    public var description: String {
        switch self {
        case .invalidJSON(let source, let reason):
            return "schema \(source) is not valid JSON: \(reason)"
        case .unsupportedKeyword(let keyword, let location):
            return "JSON Schema keyword \"\(keyword)\" at \(location) is not supported by the ShopLook validator "
                + "(supported: \(SchemaKeyword.supportedList)); rewrite the schema without it or extend the validator"
        case .invalidKeywordValue(let keyword, let location, let reason):
            return "invalid value for JSON Schema keyword \"\(keyword)\" at \(location): \(reason)"
        case .unresolvedReference(let reference, let location):
            return "cannot resolve $ref \"\(reference)\" at \(location): only local references of the form "
                + "\"#/$defs/<name>\" to an existing definition are supported"
        case .referenceCycle(let chain):
            return "$ref cycle that never descends into the instance: \(chain.joined(separator: " -> "))"
        case .notFound(let name, let directory):
            return "no schema \"\(name)\": \(directory)/\(name).schema.json does not exist "
                + "(set SHOPLOOK_HOME to the folder that contains Schemas/)"
        case .unreadable(let path, let reason):
            return "cannot read schema file \(path): \(reason)"
        }
    }
}
