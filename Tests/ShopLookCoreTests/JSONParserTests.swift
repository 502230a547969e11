import Foundation
import ShopLookCore
import Testing

@Suite("JSON parser")
struct JSONParserTests {
    @Test("parses every kind of value and keeps integers apart from doubles")
    func parsesValues() throws {
        let value = try JSONValue.parse(#"""
        { "s": "a\"b\\c\/d\n\u00e9\ud83d\ude00", "i": -42, "d": 2.5, "e": 1e2, "z": 0,
          "big": 9223372036854775807, "huge": 9223372036854775808, "t": true, "f": false, "n": null,
          "a": [1, [], {}] }
        """#)
        #expect(value["s"] == .string("a\"b\\c/d\né😀"))
        #expect(value["i"] == .integer(-42))
        if case .integer = value["i"] {} else { Issue.record("-42 should parse as .integer") }
        if case .double(let d) = value["d"] { #expect(d == 2.5) } else { Issue.record("2.5 should parse as .double") }
        if case .double(let d) = value["e"] { #expect(d == 100) } else { Issue.record("1e2 should parse as .double") }
        #expect(value["big"] == .integer(Int64.max))
        if case .double = value["huge"] {} else { Issue.record("2^63 should overflow into .double") }
        #expect(value["t"] == .bool(true))
        #expect(value["f"] == .bool(false))
        #expect(value["n"] == .null)
        #expect(value["a"] == .array([.integer(1), .array([]), .object([:])]))
        #expect(value["z"] == .integer(0))
    }

    @Test("numbers compare by value, booleans never equal numbers")
    func equality() {
        #expect(JSONValue.integer(2) == .double(2.0))
        #expect(JSONValue.integer(2) != .double(2.5))
        #expect(JSONValue.bool(true) != .integer(1))
        #expect(JSONValue.bool(false) != .integer(0))
        #expect(JSONValue.object(["a": .integer(1)]) == .object(["a": .double(1)]))
    }

    @Test("rejects malformed documents", arguments: [
        ("", "unexpected end of input"),
        ("[1,]", "unexpected character"),
        ("{\"a\":1,}", "expected a string key"),
        ("01", "leading zeros"),
        ("1.", "after the decimal point"),
        ("-", "expected a digit"),
        ("1e", "exponent"),
        ("NaN", "unexpected character"),
        ("tru", "invalid literal"),
        ("{\"a\":1,\"a\":2}", "duplicate object key \"a\""),
        ("\"a\u{01}b\"", "unescaped control character"),
        ("\"\\ud800\"", "unpaired UTF-16 surrogate"),
        ("\"\\x\"", "invalid escape"),
        ("\"abc", "unterminated string"),
        ("1 2", "unexpected content after"),
        ("1e999", "out of range"),
        ("{\"a\" 1}", "expected ':'"),
    ])
    func rejects(text: String, reason: String) {
        #expect {
            try JSONValue.parse(text)
        } throws: { error in
            (error as? JSONParseError)?.reason.contains(reason) == true
        }
    }

    @Test("rejects invalid UTF-8 inside strings")
    func invalidUTF8() {
        #expect(throws: JSONParseError.self) { try JSONValue.parse([0x22, 0xff, 0xfe, 0x22]) }
    }

    @Test("limits nesting depth")
    func depthLimit() throws {
        let ok = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        _ = try JSONValue.parse(ok)
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(throws: JSONParseError.self) { try JSONValue.parse(deep) }
    }

    @Test("errors carry line and column")
    func position() {
        do {
            _ = try JSONValue.parse("{\n  \"a\": tru\n}")
            Issue.record("should not parse")
        } catch {
            #expect(error.line == 2)
            #expect(error.column == 8)
            #expect(error.description.contains("line 2, column 8"))
        }
    }

    @Test("description renders compact JSON that parses back to the same value")
    func descriptionRoundTrip() throws {
        let value = try JSONValue.parse(#"{"b":[1,2.5,"x\"\n\u0001"],"a":{"c":null,"d":true}}"#)
        #expect(value.description == #"{"a":{"c":null,"d":true},"b":[1,2.5,"x\"\n\u0001"]}"#)
        #expect(try JSONValue.parse(value.description) == value)
    }
}

@Suite("JSON number comparison")
struct JSONNumberComparisonTests {
    @Test("integers and doubles compare exactly, also near 2^63")
    func exact() {
        #expect(JSONValue.integer(Int64.max) != .double(0x1p63))
        #expect(JSONValue.integer(Int64.min) == .double(-0x1p63))
        #expect(JSONValue.integer(9_007_199_254_740_993) != .double(9_007_199_254_740_992))
        #expect(JSONValue.integer(3) != .double(3.5))
        #expect(JSONValue.double(-2.0) == .integer(-2))
    }
}
