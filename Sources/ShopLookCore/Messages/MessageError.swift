/// Why a ShopLook message could not be encoded or decoded.
public enum MessageError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The bytes are not JSON (or the value cannot be written as JSON, e.g. a NaN score).
    /// The string says what and where.
    case invalidJSON(String)
    /// The JSON does not satisfy the message's schema; every violation is listed.
    case schemaViolation(schema: String, violations: [SchemaViolation])
    /// The message's `version` is one this code does not read or write.
    case unsupportedVersion(Int)
    /// There is no schema file for the named message schema.
    case schemaNotFound(String)
    /// The schema file exists but cannot be used (not JSON, unsupported keyword, ...).
    case invalidSchema(name: String, reason: String)

    /// How many violations ``description`` lists (it counts them all).
    public static let listedViolations = 20

    /// The schema violations, or an empty array for the other cases.
    public var violations: [SchemaViolation] {
        if case .schemaViolation(_, let violations) = self { return violations }
        return []
    }

    /// A sentence a person can act on.
    public var description: String {
        switch self {
        case .invalidJSON(let detail):
            return detail
        case .schemaViolation(let schema, let violations):
            // At most `listedViolations` of them: a hostile message can violate its schema 100,000 times.
            let list = violations.prefix(Self.listedViolations).map(\.description)
            let more = violations.count > list.count ? "\n  … and \(violations.count - list.count) more" : ""
            return violations.count == 1
                ? "\(schema) message violates its schema: \(list[0])"
                : "\(schema) message violates its schema in \(violations.count) places:\n" + list.map { "  " + $0 }.joined(separator: "\n") + more
        case .unsupportedVersion(let version):
            return "message version \(version) is not supported by this build; "
                + "upgrade the consumer or re-publish the message at a supported version"
        case .schemaNotFound(let name):
            return "no JSON Schema \"\(name).schema.json\" was found; make sure the Schemas/ folder is deployed "
                + "and SHOPLOOK_HOME points at the folder that contains it"
        case .invalidSchema(let name, let reason):
            return "the JSON Schema \"\(name)\" cannot be used: \(reason)"
        }
    }
}
