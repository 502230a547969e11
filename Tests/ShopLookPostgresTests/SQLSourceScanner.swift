/// Finds SQL built from strings in Swift source text: the check behind "every SQL statement is parameterised".
///
/// A small lexer finds every string literal (`"…"`, `"""…"""`, raw `#"…"#`, nested ones inside interpolations),
/// skipping comments. A literal is SQL when it holds a statement (`SELECT … FROM`, `INSERT INTO`, `UPDATE t SET`,
/// `DELETE FROM`, `COPY … FROM`, case-insensitive) or an upper-case clause (`WHERE`, `ORDER BY`, `LIMIT`,
/// `OFFSET`, `RETURNING`, `ON CONFLICT`, `VALUES`, `GROUP BY`, `JOIN`); for concatenation also one that starts
/// with an upper-case statement verb (`"COPY "`, `"DROP "`, …). Three things are reported:
/// - `interpolatedSQL`: a SQL literal with an interpolation (`"SELECT … WHERE id = \(id)"`);
/// - `interpolatedArgument`: any interpolated literal passed straight to `query(`, `execute(`, `simpleQuery(`,
///   `executeScript(` or `beginCopyIn(`, SQL-looking or not;
/// - `concatenatedSQL`: a SQL literal joined with `+` to something other than another literal or a `Self.`
///   constant (`"SELECT … " + table`). Appending literals (`sql += " AND x = $3"`) is fine.
struct SQLSourceScanner {
    enum Rule: String, Sendable {
        case interpolatedSQL, interpolatedArgument, concatenatedSQL
    }

    struct Finding: Sendable, CustomStringConvertible {
        var rule: Rule
        var line: Int
        /// The source line the literal starts on, trimmed.
        var excerpt: String

        var description: String { "line \(line) [\(rule.rawValue)]: \(excerpt)" }
    }

    /// A literal as the lexer saw it: its text with each interpolation replaced by `\(…)`.
    struct Literal {
        var start: Int
        var end: Int
        var text: String
        var interpolated: Bool
    }

    static let sqlCalls = ["query", "execute", "simpleQuery", "executeScript", "beginCopyIn"]

    static func isSQL(_ text: String) -> Bool {
        let lower = text.lowercased()
        if lower.contains(/\bselect\b[\s\S]*\bfrom\b/) || lower.contains(/\binsert\s+into\b/)
            || lower.contains(/\bupdate\s+\S+\s+set\b/) || lower.contains(/\bdelete\s+from\b/)
            || lower.contains(/\bcopy\s+\S+[\s\S]*\bfrom\b/) {
            return true
        }
        return text.contains(/\b(WHERE|ORDER BY|GROUP BY|LIMIT|OFFSET|RETURNING|ON CONFLICT|VALUES|JOIN)\b/)
    }

    /// For concatenation also a statement's first word alone (`"COPY " + table`); not for interpolation, where
    /// it would flag messages such as "COPY FROM STDIN answered with \(status)".
    static func startsStatement(_ text: String) -> Bool {
        text.contains(/^\s*(SELECT|INSERT|UPDATE|DELETE|COPY|CREATE|DROP|ALTER|TRUNCATE|WITH|GRANT|LOCK)[ ]/)
    }

    let bytes: [UInt8]
    private(set) var literals: [Literal] = []

    init(source: String) {
        bytes = Array(source.utf8)
        var index = 0
        var found: [Literal] = []
        Self.lexCode(bytes, &index, untilClosingParenthesis: false, into: &found)
        literals = found.sorted { $0.start < $1.start }
    }

    func findings() -> [Finding] {
        var findings: [Finding] = []
        for literal in literals {
            let sql = Self.isSQL(literal.text)
            if sql && literal.interpolated {
                findings.append(finding(.interpolatedSQL, literal))
            } else if literal.interpolated, let call = callBefore(literal.start), Self.sqlCalls.contains(call) {
                findings.append(finding(.interpolatedArgument, literal))
            }
            if (sql || Self.startsStatement(literal.text)) && (concatenatesUnknown(after: literal.end) || concatenatesUnknown(before: literal.start)) {
                findings.append(finding(.concatenatedSQL, literal))
            }
        }
        return findings
    }

    private func finding(_ rule: Rule, _ literal: Literal) -> Finding {
        let line = bytes[..<literal.start].reduce(1) { $1 == 10 ? $0 + 1 : $0 }
        let lineStart = bytes[..<literal.start].lastIndex(of: 10).map { $0 + 1 } ?? 0
        let lineEnd = bytes[literal.start...].firstIndex(of: 10) ?? bytes.count
        let excerpt = String(decoding: bytes[lineStart..<lineEnd], as: UTF8.self).trimmingWhitespace()
        return Finding(rule: rule, line: line, excerpt: excerpt)
    }

    /// The identifier before `(` just before `start` (`query("…` → `query`), if any.
    private func callBefore(_ start: Int) -> String? {
        var index = start - 1
        while index >= 0, bytes[index] == 32 || bytes[index] == 10 || bytes[index] == 9 { index -= 1 }
        guard index >= 0, bytes[index] == UInt8(ascii: "(") else { return nil }
        var end = index
        while end > 0, bytes[end - 1] == 32 { end -= 1 }
        var begin = end
        while begin > 0, Self.isIdentifier(bytes[begin - 1]) { begin -= 1 }
        return begin < end ? String(decoding: bytes[begin..<end], as: UTF8.self) : nil
    }

    /// `"…" + operand` where the operand is neither a literal nor a `Self.` constant.
    private func concatenatesUnknown(after end: Int) -> Bool {
        var index = end
        while index < bytes.count, Self.isSpace(bytes[index]) { index += 1 }
        guard index < bytes.count, bytes[index] == UInt8(ascii: "+"),
              index + 1 < bytes.count, bytes[index + 1] != UInt8(ascii: "=")
        else { return false }
        index += 1
        while index < bytes.count, Self.isSpace(bytes[index]) { index += 1 }
        return !startsKnownOperand(at: index)
    }

    /// `operand + "…"` where the operand is neither a literal nor a `Self.` constant.
    private func concatenatesUnknown(before start: Int) -> Bool {
        var index = start - 1
        while index >= 0, Self.isSpace(bytes[index]) { index -= 1 }
        guard index >= 0, bytes[index] == UInt8(ascii: "+") else { return false }
        index -= 1
        while index >= 0, Self.isSpace(bytes[index]) { index -= 1 }
        guard index >= 0 else { return false }
        if bytes[index] == UInt8(ascii: "\"") || bytes[index] == UInt8(ascii: "#") { return false }
        var begin = index
        while begin > 0, Self.isIdentifier(bytes[begin - 1]) || bytes[begin - 1] == UInt8(ascii: ".") { begin -= 1 }
        return !String(decoding: bytes[begin...index], as: UTF8.self).hasPrefix("Self.")
    }

    private func startsKnownOperand(at index: Int) -> Bool {
        guard index < bytes.count else { return true }
        if bytes[index] == UInt8(ascii: "\"") || bytes[index] == UInt8(ascii: "#") { return true }
        return bytes[index...].starts(with: Array("Self.".utf8))
    }

    static func isSpace(_ byte: UInt8) -> Bool { byte == 32 || byte == 10 || byte == 9 || byte == 13 }

    static func isIdentifier(_ byte: UInt8) -> Bool {
        (byte >= 48 && byte <= 57) || (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122) || byte == 95
    }

    // MARK: Lexing

    /// Skips code (comments included) from `index`, collecting literals; with `untilClosingParenthesis`, stops
    /// after the `)` that closes an interpolation.
    private static func lexCode(_ bytes: [UInt8], _ index: inout Int, untilClosingParenthesis: Bool, into found: inout [Literal]) {
        var depth = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "/"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "/") {
                while index < bytes.count, bytes[index] != 10 { index += 1 }
            } else if byte == UInt8(ascii: "/"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "*") {
                var nesting = 0
                repeat {
                    if bytes[index...].starts(with: [47, 42]) { nesting += 1; index += 2 }
                    else if bytes[index...].starts(with: [42, 47]) { nesting -= 1; index += 2 }
                    else { index += 1 }
                } while nesting > 0 && index < bytes.count
            } else if byte == UInt8(ascii: "\"") || (byte == UInt8(ascii: "#") && rawStringStarts(bytes, index)) {
                lexLiteral(bytes, &index, into: &found)
            } else if byte == UInt8(ascii: "(") {
                depth += 1
                index += 1
            } else if byte == UInt8(ascii: ")") {
                index += 1
                if untilClosingParenthesis {
                    if depth == 0 { return }
                    depth -= 1
                } else {
                    depth = max(0, depth - 1)
                }
            } else {
                index += 1
            }
        }
    }

    private static func rawStringStarts(_ bytes: [UInt8], _ index: Int) -> Bool {
        var probe = index
        while probe < bytes.count, bytes[probe] == UInt8(ascii: "#") { probe += 1 }
        return probe < bytes.count && bytes[probe] == UInt8(ascii: "\"")
    }

    /// Reads the literal starting at `index` (its `#`s or opening quote), leaving `index` after it.
    private static func lexLiteral(_ bytes: [UInt8], _ index: inout Int, into found: inout [Literal]) {
        let start = index
        var hashes = 0
        while bytes[index] == UInt8(ascii: "#") { hashes += 1; index += 1 }
        let multiline = bytes[index...].starts(with: [34, 34, 34])
        index += multiline ? 3 : 1
        let closing: [UInt8] = (multiline ? [34, 34, 34] : [34]) + Array(repeating: UInt8(ascii: "#"), count: hashes)
        let escape: [UInt8] = [92] + Array(repeating: UInt8(ascii: "#"), count: hashes)
        var text: [UInt8] = []
        var interpolated = false
        while index < bytes.count {
            if bytes[index...].starts(with: closing) {
                index += closing.count
                break
            }
            if bytes[index...].starts(with: escape) {
                let after = index + escape.count
                if after < bytes.count, bytes[after] == UInt8(ascii: "(") {
                    interpolated = true
                    text += Array("\\(…)".utf8)
                    index = after + 1
                    lexCode(bytes, &index, untilClosingParenthesis: true, into: &found)
                    continue
                }
                text += bytes[index..<min(after + 1, bytes.count)]
                index = min(after + 1, bytes.count)
                continue
            }
            if !multiline && bytes[index] == 10 { break }
            text.append(bytes[index])
            index += 1
        }
        found.append(Literal(start: start, end: index, text: String(decoding: text, as: UTF8.self), interpolated: interpolated))
    }
}

extension String {
    func trimmingWhitespace() -> String {
        String(drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }
}
