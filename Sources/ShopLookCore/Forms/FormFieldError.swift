/// Why the fields of a form (`POST /v1/products`, `POST /v1/looks`) are not what the route takes: a missing, unknown,
/// repeated or out-of-range field. The API answers it 400 with ``reason``, which quotes outside input (a field's name or
/// value) with ``quoted(_:)``: control characters escaped, so that the reason stays one printable line in the answer
/// and in any log of it (the `forms` fuzz target found a field name with control characters quoted raw, and its
/// invariant a `super_category` value on a hand-made input).
public struct FormFieldError: Error, Sendable, Equatable, CustomStringConvertible {
    public var reason: String

    public init(_ reason: String) {
        self.reason = reason
    }

    public var description: String { reason }

    /// `text` as a reason quotes it: in double quotes, control characters and line separators escaped, at most 100
    /// characters (longer text cut, with "…").
    static func quoted(_ text: String) -> String {
        let limit = 100
        let shown = text.unicodeScalars.count > limit ? String(String.UnicodeScalarView(text.unicodeScalars.prefix(limit))) + "…" : text
        return "\"" + shown.escapingControlCharacters + "\""
    }

    static func unknownField(_ name: String, allowed: [String]) -> FormFieldError {
        FormFieldError("unknown form field \(quoted(name)) (fields: \(allowed.joined(separator: ", ")))")
    }

    static func sentTwice(_ name: String) -> FormFieldError {
        FormFieldError("the form field \"\(name)\" is sent twice")
    }
}

extension MultipartFormData {
    /// The parts by name, each name one of `allowed` and at most once; otherwise the first offence in body order.
    func fieldsOnce(allowed: [String]) throws(FormFieldError) -> [String: MultipartPart] {
        var fields: [String: MultipartPart] = [:]
        for part in parts {
            guard allowed.contains(part.name) else { throw .unknownField(part.name, allowed: allowed.sorted()) }
            guard fields.updateValue(part, forKey: part.name) == nil else { throw .sentTwice(part.name) }
        }
        return fields
    }
}
