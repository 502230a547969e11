import ShopLookCore

extension FuzzTarget {
    /// The CSV reader of the catalog (`shoplook ingest FILE.csv`) and the pose command.
    static let csv = FuzzTarget(
        name: "csv",
        summary: """
            CSVReader.parse of the input as UTF-8 (invalid sequences replaced, as String(decoding:) does): a refusal \
            names a line between 1 and the text's line count and a message; accepted records contain no blank-line \
            record, and writing them back, every field quoted or only where needed, parses to the same records
            """
    ) { (input) throws(FuzzFailure) in
        let check = Invariants(target: "csv")
        let text = String(decoding: input, as: UTF8.self)
        let records: [[String]]
        switch Result(catching: { () throws(CSVReader.ParseError) in try CSVReader.parse(text) }) {
        case .success(let parsed): records = parsed
        case .failure(let error):
            let lines = text.unicodeScalars.reduce(1) { $0 + ($1 == "\n" ? 1 : 0) }
            try check.require(
                error.line >= 1 && error.line <= lines && !error.message.isEmpty,
                "refused at line \(error.line) of \(lines): \"\(error.message)\"")
            return
        }
        try check.require(!records.contains { $0 == [""] }, "a blank line came out as a record")
        for quoteAll in [true, false] {
            let written = writeCSV(records, quoteAll: quoteAll)
            switch Result(catching: { () throws(CSVReader.ParseError) in try CSVReader.parse(written) }) {
            case .success(let again):
                try check.require(again == records, "records written back (quoting \(quoteAll ? "every field" : "where needed")) read as \(again.prefix(3))…")
            case .failure(let error):
                throw check.failure("records written back (quoting \(quoteAll ? "every field" : "where needed")) are refused: \(error)")
            }
        }
    }

    /// RFC 4180 text of `records`, LF-terminated; a field is quoted when `quoteAll` or when it holds a comma, a quote,
    /// a line break or a carriage return.
    static func writeCSV(_ records: [[String]], quoteAll: Bool) -> String {
        var text = ""
        for record in records {
            for (index, field) in record.enumerated() {
                if index > 0 { text += "," }
                let needsQuotes = quoteAll || field.unicodeScalars.contains { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }
                guard needsQuotes else {
                    text += field
                    continue
                }
                // Scalar by scalar: a quote followed by a combining mark is one Character, which a Character-wise
                // replacement would leave undoubled (what the fuzzer found in this writer).
                text += "\""
                for scalar in field.unicodeScalars {
                    text.unicodeScalars.append(contentsOf: scalar == "\"" ? ["\"", "\""] : [scalar])
                }
                text += "\""
            }
            text += "\n"
        }
        return text
    }
}
