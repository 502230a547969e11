/// Turns a schema document into ``SchemaNode``s, rejecting anything it cannot enforce.
struct SchemaCompiler {
    private(set) var definitions: [String: SchemaNode] = [:]
    /// Every `$ref` seen, with its location, checked once the whole document is compiled.
    private var references: [(name: String, raw: String, location: String)] = []

    /// Compiles a whole document: the root schema, its `$defs`, and checks references.
    static func compileDocument(_ document: JSONValue) throws(SchemaError) -> (root: SchemaNode, definitions: [String: SchemaNode]) {
        var compiler = SchemaCompiler()
        if let defs = document["$defs"] {
            guard case .object(let members) = defs else {
                throw .invalidKeywordValue("$defs", at: "#", reason: "must be an object of schemas")
            }
            for (name, schema) in members.sorted(by: { $0.key < $1.key }) {
                compiler.definitions[name] = try compiler.compile(schema, at: "#/$defs/" + escapePointer(name))
            }
        }
        let root = try compiler.compile(document, at: "#", isRoot: true)
        try compiler.checkReferences()
        return (root, compiler.definitions)
    }

    private mutating func compile(_ schema: JSONValue, at location: String, isRoot: Bool = false) throws(SchemaError) -> SchemaNode {
        switch schema {
        case .bool(true): return .alwaysValid
        case .bool(false): return .neverValid
        case .object(let members):
            var node = SchemaConstraints(location: location)
            for (keyword, value) in members.sorted(by: { $0.key < $1.key }) {
                try apply(keyword, value, to: &node, isRoot: isRoot)
            }
            return .constraints(SchemaConstraintsBox(node))
        default:
            throw .invalidKeywordValue("(schema)", at: location, reason: "a schema must be an object or a boolean, got \(schema.typeName)")
        }
    }

    private mutating func apply(_ keyword: String, _ value: JSONValue, to node: inout SchemaConstraints, isRoot: Bool) throws(SchemaError) {
        let here = node.location
        func invalid(_ reason: String) -> SchemaError { .invalidKeywordValue(keyword, at: here, reason: reason) }

        switch keyword {
        case "$schema":
            guard value.stringValue?.trimmingTrailingHash == SchemaKeyword.draft202012 else {
                throw invalid("only \(SchemaKeyword.draft202012) is supported, got \(value)")
            }
        case _ where SchemaKeyword.annotations.contains(keyword):
            break
        case "$defs":
            guard isRoot else { throw invalid("$defs is only supported at the schema root") }
        case "$ref":
            guard let raw = value.stringValue else { throw invalid("must be a string") }
            let prefix = "#/$defs/"
            guard raw.hasPrefix(prefix), !raw.dropFirst(prefix.count).contains("/"), raw.count > prefix.count else {
                throw .unresolvedReference(raw, at: here)
            }
            let name = unescapePointer(String(raw.dropFirst(prefix.count)))
            node.reference = name
            references.append((name, raw, here))
        case "type":
            node.types = try Self.types(from: value, invalid: invalid)
        case "properties":
            guard case .object(let members) = value else { throw invalid("must be an object of schemas") }
            for (name, schema) in members.sorted(by: { $0.key < $1.key }) {
                node.properties[name] = try compile(schema, at: here + "/properties/" + escapePointer(name))
            }
        case "required":
            guard case .array(let items) = value else { throw invalid("must be an array of strings") }
            let names = items.compactMap(\.stringValue)
            guard names.count == items.count, Set(names).count == names.count else {
                throw invalid("must be an array of unique strings")
            }
            node.required = names
        case "additionalProperties":
            node.additionalProperties = try compile(value, at: here + "/additionalProperties")
        case "items":
            guard value.objectValue != nil || value == .bool(true) || value == .bool(false) else {
                throw invalid("must be a single schema (tuple-form items / prefixItems are not supported)")
            }
            node.items = try compile(value, at: here + "/items")
        case "minItems": node.minItems = try Self.count(value, invalid: invalid)
        case "maxItems": node.maxItems = try Self.count(value, invalid: invalid)
        case "minLength": node.minLength = try Self.count(value, invalid: invalid)
        case "maxLength": node.maxLength = try Self.count(value, invalid: invalid)
        case "enum":
            guard case .array(let options) = value, !options.isEmpty else { throw invalid("must be a non-empty array") }
            node.enumValues = options
        case "const":
            node.constValue = value
        case "pattern":
            guard let source = value.stringValue else { throw invalid("must be a string") }
            do {
                node.pattern = try SchemaPattern(source)
            } catch {
                throw invalid("\(value) is not a valid regular expression: \(error)")
            }
        case "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum":
            guard value.isNumber else { throw invalid("must be a number, got \(value.typeName)") }
            switch keyword {
            case "minimum": node.minimum = value
            case "maximum": node.maximum = value
            case "exclusiveMinimum": node.exclusiveMinimum = value
            default: node.exclusiveMaximum = value
            }
        case "format":
            guard let format = value.stringValue else { throw invalid("must be a string") }
            guard SchemaKeyword.formats.contains(format) else {
                throw invalid("format \"\(format)\" is not supported (supported: \(SchemaKeyword.formats.sorted().joined(separator: ", ")))")
            }
            node.requiresDateTime = true
        case "contentEncoding":
            guard let encoding = value.stringValue, SchemaKeyword.contentEncodings.contains(encoding) else {
                throw invalid("only \"base64\" is supported, got \(value)")
            }
            node.requiresBase64 = true
        default:
            throw .unsupportedKeyword(keyword, at: here)
        }
    }

    private static func types(from value: JSONValue, invalid: (String) -> SchemaError) throws(SchemaError) -> [JSONType] {
        let names: [JSONValue]
        switch value {
        case .string: names = [value]
        case .array(let items) where !items.isEmpty: names = items
        default: throw invalid("must be a type name or a non-empty array of type names")
        }
        var types: [JSONType] = []
        for name in names {
            guard let type = name.stringValue.flatMap(JSONType.init(rawValue:)) else {
                throw invalid("\(name) is not a JSON Schema type (\(JSONType.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            guard !types.contains(type) else { throw invalid("type \(type.rawValue) is listed twice") }
            types.append(type)
        }
        return types
    }

    private static func count(_ value: JSONValue, invalid: (String) -> SchemaError) throws(SchemaError) -> Int {
        guard JSONType.integer.matches(value), let double = value.doubleValue, double >= 0, double <= Double(Int32.max) else {
            throw invalid("must be a non-negative integer, got \(value)")
        }
        return Int(double)
    }

    /// Checks that every `$ref` names a definition and that no definitions form a
    /// cycle of bare references (which would recurse forever on any instance).
    private func checkReferences() throws(SchemaError) {
        for reference in references where definitions[reference.name] == nil {
            throw .unresolvedReference(reference.raw, at: reference.location)
        }
        for start in definitions.keys.sorted() {
            var chain = [start]
            var current = start
            while case .constraints(let node)? = definitions[current], let next = node.value.reference {
                if chain.contains(next) {
                    throw .referenceCycle((chain + [next]).map { "#/$defs/" + $0 })
                }
                chain.append(next)
                current = next
            }
        }
    }
}

private extension String {
    /// `$schema` URIs are commonly written with or without a trailing empty fragment.
    var trimmingTrailingHash: String {
        hasSuffix("#") ? String(dropLast()) : self
    }
}
