import ShopLookCore

extension FuzzTarget {
    /// The JSON parser and the schema validator, as every consumer meets a message: parse, then validate.
    static let json = FuzzTarget(
        name: "json",
        summary: """
            JSONValue.parse: a refusal names a reason and a position inside the input (line and column agreeing with \
            the offset) on one printable line; an accepted document prints as compact JSON that parses back to the \
            same value and prints the same again; validating it against every message schema gives the same \
            violations twice, each at a JSON Pointer with a keyword and a message, its text one printable line
            """
    ) { (input) throws(FuzzFailure) in
        let check = Invariants(target: "json")
        let schemas: FuzzResources.Schemas
        switch FuzzResources.schemas {
        case .success(let loaded): schemas = loaded
        case .failure(let failure): throw failure
        }
        let value: JSONValue
        switch Result(catching: { () throws(JSONParseError) in try JSONValue.parse(input.bindMemory(to: UInt8.self)) }) {
        case .success(let parsed): value = parsed
        case .failure(let error):
            try checkParseError(error, input: input, check: check)
            return
        }
        try checkRoundTrip(value, check: check)
        for (name, schema) in schemas.compiled {
            let violations = schema.validate(value)
            try check.require(schema.validate(value) == violations, "validating against \(name) twice gave different violations")
            try check.require(schema.isValid(value) == violations.isEmpty, "isValid disagrees with validate for \(name)")
            for violation in violations {
                try check.require(
                    (violation.path.isEmpty || violation.path.hasPrefix("/")) && !violation.keyword.isEmpty && !violation.message.isEmpty,
                    "a violation of \(name) without a pointer, keyword or message: \(violation)")
                try check.requirePrintable(violation.description, "a violation of \(name)")
            }
        }
    }

    /// The compact text of `value` parses back to `value` and prints the same again.
    static func checkRoundTrip(_ value: JSONValue, check: Invariants) throws(FuzzFailure) {
        let text = value.description
        switch Result(catching: { () throws(JSONParseError) in try JSONValue.parse(text) }) {
        case .success(let reparsed):
            try check.require(reparsed == value, "the printed document \(text.prefix(200)) parses to another value")
            try check.require(reparsed.description == text, "printing the reparsed document changed it: \(text.prefix(200))")
        case .failure(let error):
            throw check.failure("the printed document is not JSON (\(error)): \(text.prefix(200))")
        }
    }

    private static func checkParseError(_ error: JSONParseError, input: UnsafeRawBufferPointer, check: Invariants) throws(FuzzFailure) {
        try check.require(!error.reason.isEmpty, "a parse error without a reason")
        try check.requirePrintable(error.description, "the parse error")
        try check.require(error.offset >= 0 && error.offset <= input.count, "error offset \(error.offset) outside \(input.count) bytes")
        let before = input.prefix(error.offset)
        let newlines = before.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
        let lineStart = (before.lastIndex(of: 0x0A).map { $0 + 1 }) ?? 0
        try check.require(
            error.line == newlines + 1 && error.column == error.offset - lineStart + 1,
            "error at line \(error.line), column \(error.column) for byte \(error.offset) (line \(newlines + 1), column \(error.offset - lineStart + 1))")
    }
}
