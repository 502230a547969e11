/// The seven JSON Schema primitive types.
public enum JSONType: String, Sendable, CaseIterable {
    case null, boolean, object, array, number, string, integer

    /// Whether `value` is of this type. `integer` accepts integral numbers such as
    /// `2.0`; `number` accepts every number; booleans are never numbers.
    public func matches(_ value: JSONValue) -> Bool {
        switch (self, value) {
        case (.null, .null), (.boolean, .bool), (.object, .object), (.array, .array), (.string, .string):
            true
        case (.number, .integer), (.number, .double):
            true
        case (.integer, .integer):
            true
        case (.integer, .double):
            value.typeName == "integer"
        default:
            false
        }
    }
}
