/// RFC 4180 CSV: fields separated by commas, optionally quoted with `"` (a quote inside a quoted field is
/// doubled), records separated by LF or CRLF; newlines may appear inside quoted fields. A carriage return outside
/// quotes is dropped; a record that is one empty field (a blank line) is skipped. The catalog CSV of `shoplook ingest`
/// and the pose command's CSV are read with it (in ShopLookCore, beside the other parsers of outside input, so the
/// fuzz targets reach it without the pipeline).
public enum CSVReader {
    /// Why the text is not CSV, and on which line (1-based, counting the newlines inside quoted fields).
    public struct ParseError: Error, CustomStringConvertible, Equatable, Sendable {
        public var line: Int
        public var message: String
        public var description: String { "CSV line \(line): \(message)" }

        public init(line: Int, message: String) {
            self.line = line
            self.message = message
        }
    }

    public static func parse(_ text: String) throws(ParseError) -> [[String]] {
        var records: [[String]] = []
        var record: [String] = []
        var field = ""
        var quoted = false
        var afterQuote = false
        var line = 1
        var iterator = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = nil
        func next() -> Unicode.Scalar? {
            if let scalar = pending { pending = nil; return scalar }
            return iterator.next()
        }
        while let scalar = next() {
            if quoted {
                if scalar == "\"" {
                    if let following = next() {
                        if following == "\"" { field.unicodeScalars.append("\"") } else { quoted = false; afterQuote = true; pending = following }
                    } else {
                        quoted = false
                        afterQuote = true
                    }
                } else {
                    if scalar == "\n" { line += 1 }
                    field.unicodeScalars.append(scalar)
                }
                continue
            }
            switch scalar {
            case ",":
                record.append(field)
                field = ""
                afterQuote = false
            case "\r":
                continue
            case "\n":
                record.append(field)
                records.append(record)
                record = []
                field = ""
                afterQuote = false
                line += 1
            case "\"":
                guard field.isEmpty, !afterQuote else {
                    throw ParseError(line: line, message: "a quote inside an unquoted field")
                }
                quoted = true
            default:
                guard !afterQuote else { throw ParseError(line: line, message: "text after a closing quote") }
                field.unicodeScalars.append(scalar)
            }
        }
        if quoted { throw ParseError(line: line, message: "unterminated quoted field") }
        if !field.isEmpty || !record.isEmpty || afterQuote {
            record.append(field)
            records.append(record)
        }
        return records.filter { !($0.count == 1 && $0[0].isEmpty) }
    }
}
