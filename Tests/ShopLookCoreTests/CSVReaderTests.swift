import ShopLookCore
import Testing

@Suite struct CSVReaderTests {
    @Test func quotesCommasAndNewlines() throws {
        let rows = try CSVReader.parse("a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\n1,,3")
        #expect(rows == [["a", "b", "c"], ["x, y", "say \"hi\"", "two\nlines"], ["1", "", "3"]])
    }

    @Test func malformedQuotesNameTheirLine() {
        #expect(throws: CSVReader.ParseError(line: 3, message: "unterminated quoted field")) {
            try CSVReader.parse("h\na,\"unterminated\n")
        }
        #expect(throws: CSVReader.ParseError(line: 1, message: "a quote inside an unquoted field")) { try CSVReader.parse("a,b\"c\n") }
        #expect(throws: CSVReader.ParseError(line: 1, message: "text after a closing quote")) { try CSVReader.parse("\"a\"b\n") }
    }
}
