/// Why the fields of a form (`POST /v1/products`, `POST /v1/looks`) are not what the route takes: a missing, unknown,
/// repeated or out-of-range field. The API answers it 400 with ``reason``.
public struct FormFieldError: Error, Sendable, Equatable, CustomStringConvertible {
    public var reason: String

    public init(_ reason: String) {
        self.reason = reason
    }

    public var description: String { reason }

    static func unknownField(_ name: String, allowed: [String]) -> FormFieldError {
        FormFieldError("unknown form field \"\(name)\" (fields: \(allowed.joined(separator: ", ")))")
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
