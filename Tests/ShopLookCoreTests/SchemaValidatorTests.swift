import ShopLookCore
import Testing

/// One keyword check: a schema, an instance it accepts, one it rejects, and the failing keyword.
struct KeywordCase: Sendable, CustomTestStringConvertible {
    let schema: String
    let valid: String
    let invalid: String
    let keyword: String
    var testDescription: String { "\(keyword): \(schema)" }
}

private func compile(_ text: String) throws -> JSONSchema {
    try JSONSchema(JSONValue.parse(text))
}

private func violations(_ schema: String, _ instance: String) throws -> [SchemaViolation] {
    try compile(schema).validate(JSONValue.parse(instance))
}

@Suite("JSON Schema validator")
struct SchemaValidatorTests {
    @Test("each supported keyword accepts a valid and rejects an invalid instance", arguments: [
        KeywordCase(schema: #"{"type":"string"}"#, valid: #""x""#, invalid: "1", keyword: "type"),
        KeywordCase(schema: #"{"type":["string","null"]}"#, valid: "null", invalid: "false", keyword: "type"),
        KeywordCase(schema: #"{"type":"object"}"#, valid: "{}", invalid: "[]", keyword: "type"),
        KeywordCase(schema: #"{"type":"array"}"#, valid: "[]", invalid: "{}", keyword: "type"),
        KeywordCase(schema: #"{"type":"boolean"}"#, valid: "true", invalid: "0", keyword: "type"),
        KeywordCase(schema: #"{"type":"null"}"#, valid: "null", invalid: "0", keyword: "type"),
        KeywordCase(schema: #"{"properties":{"a":{"type":"integer"}}}"#, valid: #"{"a":1,"b":"x"}"#, invalid: #"{"a":"1"}"#, keyword: "type"),
        KeywordCase(schema: #"{"required":["a"]}"#, valid: #"{"a":null}"#, invalid: #"{"b":1}"#, keyword: "required"),
        KeywordCase(schema: #"{"properties":{"a":{}},"additionalProperties":false}"#, valid: #"{"a":1}"#, invalid: #"{"a":1,"b":2}"#, keyword: "additionalProperties"),
        KeywordCase(schema: #"{"properties":{"a":{}},"additionalProperties":{"type":"string"}}"#, valid: #"{"a":1,"b":"x"}"#, invalid: #"{"a":1,"b":2}"#, keyword: "type"),
        KeywordCase(schema: #"{"items":{"type":"number"}}"#, valid: "[1,2.5]", invalid: #"[1,"2"]"#, keyword: "type"),
        KeywordCase(schema: #"{"minItems":2}"#, valid: "[1,2]", invalid: "[1]", keyword: "minItems"),
        KeywordCase(schema: #"{"maxItems":1}"#, valid: "[1]", invalid: "[1,2]", keyword: "maxItems"),
        KeywordCase(schema: #"{"enum":["a",1,null]}"#, valid: "1.0", invalid: #""b""#, keyword: "enum"),
        KeywordCase(schema: #"{"const":{"a":[1]}}"#, valid: #"{"a":[1]}"#, invalid: #"{"a":[2]}"#, keyword: "const"),
        KeywordCase(schema: #"{"pattern":"b+"}"#, valid: #""abbc""#, invalid: #""ac""#, keyword: "pattern"),
        KeywordCase(schema: #"{"pattern":"^[0-9a-f]{4}$"}"#, valid: #""00af""#, invalid: #""00af\n""#, keyword: "pattern"),
        KeywordCase(schema: #"{"minLength":2}"#, valid: #""éé""#, invalid: #""é""#, keyword: "minLength"),
        KeywordCase(schema: #"{"maxLength":2}"#, valid: #""😀😀""#, invalid: #""abc""#, keyword: "maxLength"),
        KeywordCase(schema: #"{"minimum":0}"#, valid: "0", invalid: "-0.5", keyword: "minimum"),
        KeywordCase(schema: #"{"maximum":1}"#, valid: "1.0", invalid: "1.0001", keyword: "maximum"),
        KeywordCase(schema: #"{"exclusiveMinimum":0}"#, valid: "0.001", invalid: "0", keyword: "exclusiveMinimum"),
        KeywordCase(schema: #"{"exclusiveMaximum":10}"#, valid: "9", invalid: "10", keyword: "exclusiveMaximum"),
        KeywordCase(schema: #"{"format":"date-time"}"#, valid: #""2024-05-01T12:00:00Z""#, invalid: #""2024-05-01""#, keyword: "format"),
        KeywordCase(schema: ##"{"$defs":{"hex":{"pattern":"^[0-9a-f]+$"}},"$ref":"#/$defs/hex"}"##, valid: #""ab""#, invalid: #""xy""#, keyword: "pattern"),
        KeywordCase(schema: ##"{"$defs":{"n":{"type":"integer"}},"items":{"$ref":"#/$defs/n"}}"##, valid: "[1]", invalid: "[1.5]", keyword: "type"),
        KeywordCase(schema: #"{"contentEncoding":"base64"}"#, valid: #""aGk=""#, invalid: #""aGk""#, keyword: "contentEncoding"),
        KeywordCase(schema: "false", valid: "", invalid: "1", keyword: "false"),
    ])
    func keyword(_ check: KeywordCase) throws {
        let schema = try compile(check.schema)
        if !check.valid.isEmpty {
            #expect(schema.validate(try JSONValue.parse(check.valid)) == [])
        }
        let found = schema.validate(try JSONValue.parse(check.invalid))
        #expect(found.count == 1)
        #expect(found.first?.keyword == check.keyword)
    }

    @Test("keywords of other types ignore non-matching instances")
    func typeSpecificKeywordsIgnoreOtherTypes() throws {
        let schema = try compile(#"{"minLength":3,"minimum":5,"minItems":2,"required":["a"],"pattern":"x"}"#)
        for instance in [#""abcx""#, "[1,2]", "null", "true", "6"] {
            #expect(schema.validate(try JSONValue.parse(instance)).isEmpty, "\(instance)")
        }
        #expect(schema.validate(.integer(1)).map(\.keyword) == ["minimum"])
    }

    @Test("base64 content is checked strictly", arguments: [
        ("", true), ("AA==", true), ("AAA=", true), ("AAAA", true), ("+/+/", true), ("aGVsbG8gd29ybGQ=", true),
        ("A===", false), ("AB=C", false), ("AAA", false), ("AA AA", false), ("AA-_", false), ("====", false),
    ])
    func base64(text: String, valid: Bool) throws {
        let schema = try compile(#"{"contentEncoding":"base64"}"#)
        #expect(schema.isValid(.string(text)) == valid)
    }

    @Test("integer versus number")
    func integerVersusNumber() throws {
        let integer = try compile(#"{"type":"integer"}"#)
        #expect(integer.isValid(.integer(3)))
        #expect(integer.isValid(try JSONValue.parse("2.0")))
        #expect(integer.isValid(try JSONValue.parse("1e2")))
        #expect(!integer.isValid(try JSONValue.parse("1.5")))
        #expect(integer.validate(try JSONValue.parse("1.5")).first?.message == "expected integer, got number 1.5")
        let number = try compile(#"{"type":"number"}"#)
        #expect(number.isValid(.integer(3)))
        #expect(number.isValid(.double(1.5)))
    }

    @Test("booleans are not numbers")
    func booleansAreNotNumbers() throws {
        #expect(!(try compile(#"{"type":"number"}"#).isValid(.bool(true))))
        #expect(!(try compile(#"{"type":"integer"}"#).isValid(.bool(false))))
        #expect(!(try compile(#"{"enum":[1,0]}"#).isValid(.bool(true))))
        #expect(!(try compile(#"{"const":0}"#).isValid(.bool(false))))
        #expect(!(try compile(#"{"type":"boolean"}"#).isValid(.integer(1))))
    }

    @Test("all violations are reported with their paths")
    func multipleViolations() throws {
        let schema = #"""
        {"type":"object","required":["id","n","tags"],"additionalProperties":false,
         "properties":{"id":{"type":"string","pattern":"^[0-9a-f]{4}$"},"n":{"type":"integer","minimum":1},
                       "tags":{"type":"array","items":{"type":"string","minLength":1}}, "a/b~c":{"type":"null"}}}
        """#
        let found = try violations(schema, #"{"id":"XYZ","n":0,"tags":["ok","",3],"extra":true,"a/b~c":1}"#)
        let summary = Set(found.map { "\($0.path) \($0.keyword)" })
        #expect(summary == [
            "/id pattern", "/n minimum", "/tags/1 minLength", "/tags/2 type", "/extra additionalProperties",
            "/a~1b~0c type",
        ])
        let missing = try violations(schema, "{}")
        #expect(Set(missing.map(\.path)) == ["/id", "/n", "/tags"])
        #expect(missing.allSatisfy { $0.keyword == "required" })
    }

    @Test("violation messages show the value and the rule")
    func messages() throws {
        let found = try violations(#"{"properties":{"image_id":{"pattern":"^[0-9a-f]{64}$"}}}"#, #"{"image_id":"xyz"}"#)
        #expect(found.map(\.description) == [#"/image_id: "xyz" does not match pattern ^[0-9a-f]{64}$"#])
        let long = String(repeating: "q", count: 500)
        let truncated = try violations(#"{"maxLength":3}"#, "\"\(long)\"")
        #expect(truncated.first!.message.count < 150)
    }

    @Test("unsupported keywords are refused, naming the keyword", arguments: [
        (#"{"oneOf":[{"type":"string"}]}"#, "oneOf"),
        (#"{"properties":{"a":{"anyOf":[]}}}"#, "anyOf"),
        (#"{"patternProperties":{}}"#, "patternProperties"),
        (#"{"$defs":{"x":{"if":true}}}"#, "if"),
        (#"{"items":{"uniqueItems":true}}"#, "uniqueItems"),
        (#"{"multipleOf":2}"#, "multipleOf"),
        (#"{"contentMediaType":"application/json"}"#, "contentMediaType"),
    ])
    func unsupportedKeyword(schema: String, keyword: String) {
        #expect {
            try compile(schema)
        } throws: { error in
            guard case .unsupportedKeyword(let name, _) = error as? SchemaError else { return false }
            return name == keyword && "\(error)".contains("\"\(keyword)\"")
        }
    }

    @Test("malformed or unsupported keyword values are refused", arguments: [
        (#"{"format":"email"}"#, "format"),
        (#"{"items":[{"type":"string"}]}"#, "items"),
        (#"{"minItems":-1}"#, "minItems"),
        (#"{"maxLength":1.5}"#, "maxLength"),
        (#"{"type":"text"}"#, "type"),
        (#"{"required":["a","a"]}"#, "required"),
        (#"{"pattern":"("}"#, "pattern"),
        (#"{"exclusiveMinimum":true}"#, "exclusiveMinimum"),
        (#"{"enum":[]}"#, "enum"),
        (#"{"contentEncoding":"base32"}"#, "contentEncoding"),
        (#"{"$schema":"http://json-schema.org/draft-07/schema#"}"#, "$schema"),
        (#"{"properties":{"a":{"$defs":{}}}}"#, "$defs"),
        (#"{"properties":{"a":1}}"#, "(schema)"),
    ])
    func invalidKeywordValue(schema: String, keyword: String) {
        #expect {
            try compile(schema)
        } throws: { error in
            guard case .invalidKeywordValue(let name, _, _) = error as? SchemaError else { return false }
            return name == keyword
        }
    }

    @Test("references must be local $defs that exist and must not loop")
    func references() throws {
        #expect(throws: SchemaError.unresolvedReference("#/$defs/missing", at: "#")) {
            try compile(##"{"$ref":"#/$defs/missing"}"##)
        }
        #expect(throws: SchemaError.unresolvedReference("other.json#/x", at: "#/properties/a")) {
            try compile(#"{"properties":{"a":{"$ref":"other.json#/x"}}}"#)
        }
        #expect(throws: SchemaError.referenceCycle(["#/$defs/a", "#/$defs/b", "#/$defs/a"])) {
            try compile(##"{"$defs":{"a":{"$ref":"#/$defs/b"},"b":{"$ref":"#/$defs/a"}}}"##)
        }
        // Recursion through a property is fine: it consumes the instance.
        let tree = try compile(##"{"$defs":{"node":{"type":"object","properties":{"child":{"$ref":"#/$defs/node"}},"additionalProperties":false}},"$ref":"#/$defs/node"}"##)
        #expect(tree.isValid(try JSONValue.parse(#"{"child":{"child":{}}}"#)))
        #expect(tree.validate(try JSONValue.parse(#"{"child":{"child":{"x":1}}}"#)).map(\.path) == ["/child/child/x"])
    }

    @Test("annotations are ignored and exposed")
    func annotations() throws {
        let schema = try compile(#"""
        {"$schema":"https://json-schema.org/draft/2020-12/schema","$id":"https://x/y.json","title":"T",
         "description":"d","$comment":"c","examples":[1],"default":2,"type":"integer"}
        """#)
        #expect(schema.id == "https://x/y.json")
        #expect(schema.title == "T")
        #expect(schema.isValid(.integer(5)))
        #expect(!schema.isValid(.string("5")))
    }
}
