import ShopLookCore

extension FuzzTarget {
    /// The JSON parser and the schema validator, as every consumer meets a message: parse, then validate.
    static let json = FuzzTarget(
        name: "json",
        summary: """
            JSONValue.parse: a refusal names a reason and a position inside the input (line and column agreeing with \
            the offset) on one printable line; an accepted document prints as compact JSON that parses back to the \
            same value and prints the same again; validating it against every message schema gives the same \
            violations twice, each at a JSON Pointer naming a value of the instance (for a missing required member, \
            a member its object lacks), with a keyword and a message, its text one printable line
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
                    // By scalar: "/" before a combining mark is one Character, which `hasPrefix("/")` would not see.
                    (violation.path.isEmpty || violation.path.unicodeScalars.first == "/") && !violation.keyword.isEmpty
                        && !violation.message.isEmpty,
                    "a violation of \(name) without a pointer, keyword or message: \(violation)")
                try check.requirePrintable(violation.description, "a violation of \(name)")
                try checkPointer(violation, in: value, schema: name, check: check)
            }
        }
    }

    /// A violation's JSON Pointer names a value of the instance; a missing required member's names a member its
    /// object lacks.
    private static func checkPointer(_ violation: SchemaViolation, in instance: JSONValue, schema: String, check: Invariants) throws(FuzzFailure) {
        var tokens = violation.path.isEmpty ? [] : violation.path.unicodeScalars.split(separator: "/", omittingEmptySubsequences: false)
            .dropFirst().map(unescapeToken)
        let missing = violation.keyword == "required" ? tokens.popLast() : nil
        var current = instance
        for token in tokens {
            switch current {
            case .object(let members) where members[token] != nil: current = members[token]!
            case .array(let items) where Int(token).map(items.indices.contains) == true: current = items[Int(token)!]
            default:
                throw check.failure("\(schema): the pointer \(violation.path.debugDescription) of a \(violation.keyword) violation names no value")
            }
        }
        if let missing {
            try check.require(
                current.objectValue.map { $0[missing] == nil } == true,
                "\(schema): a required violation at \(violation.path.debugDescription) names no missing member")
        }
    }

    /// RFC 6901's unescaping of one reference token, scalar by scalar: `~1` is `/`, `~0` is `~`.
    private static func unescapeToken(_ token: Substring.UnicodeScalarView.SubSequence) -> String {
        var result = String.UnicodeScalarView()
        var index = token.startIndex
        while index < token.endIndex {
            let scalar = token[index]
            let next = token.index(after: index)
            if scalar == "~", next < token.endIndex, token[next] == "0" || token[next] == "1" {
                result.append(token[next] == "0" ? "~" : "/")
                index = token.index(after: next)
            } else {
                result.append(scalar)
                index = next
            }
        }
        return String(result)
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
