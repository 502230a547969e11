import ShopLookCore
import Testing

@Suite struct ControlCharacterEscapeTests {
    @Test func controlCharactersAndLineSeparatorsAreWrittenAsEscapes() {
        #expect("a\nb\r\t\u{1B}[2J\u{7F}\u{85}\u{2028}\u{2029}".escapingControlCharacters == #"a\nb\r\t\u{1B}[2J\u{7F}\u{85}\u{2028}\u{2029}"#)
    }

    @Test func everythingElseIsKeptAsItIs() {
        let text = "SKU-1 \"blue\" é 😀 \u{202E}bidi ~/ \\n"
        #expect(text.escapingControlCharacters == text)
    }

    @Test func aPrintableLineIsEscapedFirstThenCutToItsLimit() {
        #expect("a\nb".printableLine(limit: 4) == #"a\nb"#)
        // Escaped, "a\nbc" is 5 characters: past a limit of 4 it keeps 3 and "…".
        #expect("a\nbc".printableLine(limit: 4) == #"a\n"# + "…")
        let long = String(repeating: "é", count: 400)
        #expect(long.printableLine(limit: 300).unicodeScalars.count == 300 && long.printableLine(limit: 300).hasSuffix("é…"))
        #expect("short".printableLine(limit: 300) == "short")
    }
}
