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
}
