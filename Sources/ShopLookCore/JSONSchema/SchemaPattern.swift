/// A compiled `pattern` keyword.
///
/// Uses Swift `Regex` with Unicode-scalar semantics and ASCII-only character classes,
/// which is the closest match to ECMA-262 (JSON Schema's regex dialect) for the
/// patterns ShopLook uses. `$` matches only at the very end of the input (unlike
/// `NSRegularExpression`, which also matches before a trailing newline).
/// Matching is unanchored, as the specification requires.
struct SchemaPattern: @unchecked Sendable {
    // `Regex` is not declared `Sendable`, but it is immutable after creation except for
    // its lazily lowered program, which the standard library initialises atomically;
    // `init` also forces that lowering before the value is shared.
    let source: String
    private let regex: Regex<AnyRegexOutput>

    init(_ source: String) throws {
        self.source = source
        regex = try Regex(source)
            .matchingSemantics(.unicodeScalar)
            .asciiOnlyCharacterClasses()
        _ = "".firstMatch(of: regex)
    }

    /// Whether the pattern matches anywhere in `string`.
    func matches(_ string: String) -> Bool {
        string.firstMatch(of: regex) != nil
    }
}
