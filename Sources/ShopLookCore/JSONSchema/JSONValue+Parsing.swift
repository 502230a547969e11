extension JSONValue {
    /// Parses a complete JSON document from UTF-8 bytes.
    ///
    /// Strict RFC 8259: no comments, trailing commas, `NaN`, leading zeros or byte-order
    /// mark; strings must be valid UTF-8 without raw control characters. Duplicate object
    /// keys are rejected (different decoders resolve them differently, so a validated
    /// document could otherwise decode to something the schema never saw). Nesting is
    /// limited to 512 levels.
    public static func parse(_ bytes: some Collection<UInt8>) throws(JSONParseError) -> JSONValue {
        let result: Result<JSONValue, JSONParseError>? = bytes.withContiguousStorageIfAvailable { buffer in
            var parser = JSONParser(buffer)
            return Result { () throws(JSONParseError) in try parser.parseDocument() }
        }
        if let result { return try result.get() }
        return try parse(Array(bytes))
    }

    /// Parses a complete JSON document from a string.
    public static func parse(_ text: String) throws(JSONParseError) -> JSONValue {
        try parse(Array(text.utf8))
    }
}
