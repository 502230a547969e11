/// Walks an instance against compiled ``SchemaNode``s, collecting every violation.
struct SchemaValidator {
    let definitions: [String: SchemaNode]
    private(set) var violations: [SchemaViolation] = []

    init(definitions: [String: SchemaNode]) {
        self.definitions = definitions
    }

    mutating func validate(_ instance: JSONValue, against node: SchemaNode, at path: String) {
        switch node {
        case .alwaysValid:
            return
        case .neverValid:
            report(path, "false", "no value is allowed here")
        case .constraints(let box):
            validate(instance, against: box.value, at: path)
        }
    }

    private mutating func validate(_ instance: JSONValue, against schema: SchemaConstraints, at path: String) {
        if let name = schema.reference, let target = definitions[name] {
            validate(instance, against: target, at: path)
        }
        if let types = schema.types, !types.contains(where: { $0.matches(instance) }) {
            let expected = types.count == 1 ? types[0].rawValue : "one of " + types.map(\.rawValue).joined(separator: ", ")
            report(path, "type", "expected \(expected), got \(instance.typeName) \(brief(instance))")
            return  // the remaining keywords would only repeat the same complaint
        }
        if let options = schema.enumValues, !options.contains(instance) {
            report(path, "enum", "\(brief(instance)) is not one of \(JSONValue.array(options))")
        }
        if let constant = schema.constValue, instance != constant {
            report(path, "const", "\(brief(instance)) is not the required value \(constant)")
        }
        switch instance {
        case .string(let string): validateString(string, against: schema, at: path)
        case .integer, .double: validateNumber(instance, against: schema, at: path)
        case .array(let items): validateArray(items, against: schema, at: path)
        case .object(let members): validateObject(members, against: schema, at: path)
        case .null, .bool: break
        }
    }

    private mutating func validateString(_ string: String, against schema: SchemaConstraints, at path: String) {
        let length = string.unicodeScalars.count
        if let minLength = schema.minLength, length < minLength {
            report(path, "minLength", "\(brief(.string(string))) is shorter than \(minLength) characters")
        }
        if let maxLength = schema.maxLength, length > maxLength {
            report(path, "maxLength", "\(brief(.string(string))) is longer than \(maxLength) characters (\(length))")
        }
        if let pattern = schema.pattern, !pattern.matches(string) {
            report(path, "pattern", "\(brief(.string(string))) does not match pattern \(pattern.source)")
        }
        if schema.requiresDateTime, !RFC3339.isValid(string) {
            report(path, "format", "\(brief(.string(string))) is not an RFC 3339 date-time (e.g. 2024-05-01T12:00:00.000Z)")
        }
        if schema.requiresBase64, !Base64.isValid(string) {
            report(path, "contentEncoding", "\(brief(.string(string))) is not padded standard base64 (RFC 4648)")
        }
    }

    private mutating func validateNumber(_ number: JSONValue, against schema: SchemaConstraints, at path: String) {
        func check(_ bound: JSONValue?, _ keyword: String, _ fails: (Int) -> Bool, _ words: String) {
            if let bound, let order = JSONValue.compareNumbers(number, bound), fails(order) {
                report(path, keyword, "\(number) is \(words) \(bound)")
            }
        }
        check(schema.minimum, "minimum", { $0 < 0 }, "less than the minimum")
        check(schema.maximum, "maximum", { $0 > 0 }, "greater than the maximum")
        check(schema.exclusiveMinimum, "exclusiveMinimum", { $0 <= 0 }, "not greater than the exclusive minimum")
        check(schema.exclusiveMaximum, "exclusiveMaximum", { $0 >= 0 }, "not less than the exclusive maximum")
    }

    private mutating func validateArray(_ items: [JSONValue], against schema: SchemaConstraints, at path: String) {
        if let minItems = schema.minItems, items.count < minItems {
            report(path, "minItems", "array has \(items.count) item\(items.count == 1 ? "" : "s"), fewer than the minimum \(minItems)")
        }
        if let maxItems = schema.maxItems, items.count > maxItems {
            report(path, "maxItems", "array has \(items.count) items, more than the maximum \(maxItems)")
        }
        if let itemSchema = schema.items {
            for (index, item) in items.enumerated() {
                validate(item, against: itemSchema, at: path + "/" + String(index))
            }
        }
    }

    private mutating func validateObject(_ members: [String: JSONValue], against schema: SchemaConstraints, at path: String) {
        for name in schema.required where members[name] == nil {
            report(path + "/" + escapePointer(name), "required", "required property \"\(name)\" is missing")
        }
        for name in members.keys.sorted() {
            let value = members[name]!
            let memberPath = path + "/" + escapePointer(name)
            if let propertySchema = schema.properties[name] {
                validate(value, against: propertySchema, at: memberPath)
            } else if let additional = schema.additionalProperties {
                if case .neverValid = additional {
                    let allowed = schema.properties.keys.sorted().joined(separator: ", ")
                    report(memberPath, "additionalProperties", "property \"\(name)\" is not allowed (allowed: \(allowed))")
                } else {
                    validate(value, against: additional, at: memberPath)
                }
            }
        }
    }

    private mutating func report(_ path: String, _ keyword: String, _ message: String) {
        violations.append(SchemaViolation(path: path, keyword: keyword, message: message))
    }

    /// The value as JSON, shortened to keep messages readable (payloads can be megabytes).
    private func brief(_ value: JSONValue) -> String {
        let text = value.description
        return text.count <= 80 ? text : String(text.prefix(77)) + "..."
    }
}
