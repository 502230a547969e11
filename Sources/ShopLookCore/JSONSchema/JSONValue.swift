/// A parsed JSON document.
///
/// Numbers keep the distinction the JSON text made: a literal without fraction
/// or exponent that fits in `Int64` is ``integer(_:)``, anything else is
/// ``double(_:)``. Equality follows JSON Schema: numbers compare by
/// mathematical value (`.integer(2) == .double(2.0)`), booleans never equal numbers.
///
/// Parse with `JSONValue.parse(_:)`; render as compact JSON with ``description``.
public enum JSONValue: Sendable {
    case null
    case bool(Bool)
    case integer(Int64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// The JSON Schema type name of this value: `"null"`, `"boolean"`, `"integer"`,
    /// `"number"`, `"string"`, `"array"` or `"object"`. Integral doubles such as
    /// `2.0` report `"integer"`, as the specification requires.
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .integer: "integer"
        case .double(let d): d.isFinite && d.rounded(.towardZero) == d ? "integer" : "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    /// `true` for `.integer` and `.double` (never for `.bool`).
    public var isNumber: Bool {
        switch self {
        case .integer, .double: true
        default: false
        }
    }

    /// The numeric value as a `Double`, or `nil` for non-numbers.
    public var doubleValue: Double? {
        switch self {
        case .integer(let i): Double(i)
        case .double(let d): d
        default: nil
        }
    }

    /// The string payload, or `nil` for non-strings.
    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// The members of an object, or `nil` for non-objects.
    public var objectValue: [String: JSONValue]? {
        if case .object(let o) = self { return o }
        return nil
    }

    /// The elements of an array, or `nil` for non-arrays.
    public var arrayValue: [JSONValue]? {
        if case .array(let a) = self { return a }
        return nil
    }

    /// Member lookup for objects; `nil` for missing keys and non-objects.
    public subscript(key: String) -> JSONValue? {
        objectValue?[key]
    }
}

extension JSONValue: Equatable {
    /// JSON Schema equality: numbers by mathematical value, objects ignoring member order.
    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): true
        case (.bool(let a), .bool(let b)): a == b
        case (.string(let a), .string(let b)): a == b
        case (.array(let a), .array(let b)): a == b
        case (.object(let a), .object(let b)): a == b
        case (.integer, _), (.double, _): compareNumbers(lhs, rhs) == .some(0)
        default: false
        }
    }

    /// Compares two numeric values exactly where both are integers, else as doubles.
    /// Returns -1, 0 or 1, or `nil` when either side is not a number (or is NaN).
    static func compareNumbers(_ lhs: JSONValue, _ rhs: JSONValue) -> Int? {
        switch (lhs, rhs) {
        case (.integer(let a), .integer(let b)): a < b ? -1 : (a == b ? 0 : 1)
        case (.integer(let a), .double(let b)): compare(a, b)
        case (.double(let a), .integer(let b)): compare(b, a).map { -$0 }
        case (.double(let a), .double(let b)) where !a.isNaN && !b.isNaN: a < b ? -1 : (a == b ? 0 : 1)
        default: nil
        }
    }

    /// Exact comparison of an `Int64` with a `Double` (no rounding of either side).
    private static func compare(_ a: Int64, _ b: Double) -> Int? {
        guard !b.isNaN else { return nil }
        if b >= 0x1p63 { return -1 }
        if b < -0x1p63 { return 1 }
        let floor = b.rounded(.down)
        let floorInteger = Int64(floor)  // exact: |floor| < 2^63 here
        if a < floorInteger { return -1 }
        if a > floorInteger { return 1 }
        return b == floor ? 0 : -1
    }
}

extension JSONValue: CustomStringConvertible {
    /// Compact JSON text for this value, with object keys sorted (handy in error messages).
    public var description: String {
        var out = ""
        write(to: &out)
        return out
    }

    private func write(to out: inout String) {
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .integer(let i): out += String(i)
        case .double(let d): out += "\(d)"
        case .string(let s): Self.writeString(s, to: &out)
        case .array(let items):
            out += "["
            for (index, item) in items.enumerated() {
                if index > 0 { out += "," }
                item.write(to: &out)
            }
            out += "]"
        case .object(let members):
            out += "{"
            for (index, key) in members.keys.sorted().enumerated() {
                if index > 0 { out += "," }
                Self.writeString(key, to: &out)
                out += ":"
                members[key]!.write(to: &out)
            }
            out += "}"
        }
    }

    private static func writeString(_ s: String, to out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}
