import Foundation
import ShopLookTestSupport
import Testing

/// Every SQL statement in `Sources/` is parameterised: no value is ever spliced into SQL text.
@Suite("SQL built from strings")
struct SQLSourceScanTests {
    /// The justified exceptions: (file path under `Sources/`, text of the flagged line, why it is safe).
    static let allowed: [(file: String, line: String, reason: String)] = [
        (
            "ShopLookPostgres/PostgresConnection+Copy.swift",
            #"let types = try await query("SELECT " + columnList + " FROM " + target + " LIMIT 0").columnTypes"#,
            "table and column names can't be parameters; each comes through PostgresIdentifier.quoted/qualified"
        ),
        (
            "ShopLookPostgres/PostgresConnection+Copy.swift",
            #"try await beginCopyIn("COPY " + target + " (" + columnList + ") FROM STDIN (FORMAT binary)")"#,
            "COPY takes no parameters; the table and columns come through PostgresIdentifier.quoted/qualified"
        ),
    ]

    static func findings(in source: String) -> [SQLSourceScanner.Finding] {
        SQLSourceScanner(source: source).findings()
    }

    @Test func noSourceFileBuildsSQLFromStrings() throws {
        let sources = TestPaths.packageRoot.appendingPathComponent("Sources")
        let files = try FileManager.default.subpathsOfDirectory(atPath: sources.path).filter { $0.hasSuffix(".swift") }
        #expect(files.count > 100, "the scan found only \(files.count) Swift files under \(sources.path)")
        var unexpected: [String] = []
        var used = Set<Int>()
        var literals = 0
        for file in files.sorted() {
            let text = try String(contentsOf: sources.appendingPathComponent(file), encoding: .utf8)
            let scanner = SQLSourceScanner(source: text)
            literals += scanner.literals.count
            for finding in scanner.findings() {
                if let index = Self.allowed.firstIndex(where: { $0.file == file && $0.line == finding.excerpt }) {
                    used.insert(index)
                } else {
                    unexpected.append("Sources/\(file) \(finding)")
                }
            }
        }
        #expect(unexpected.isEmpty, "SQL built from strings (use $n parameters):\n\(unexpected.joined(separator: "\n"))")
        // An allowance that matches nothing is stale: it would hide the next finding on a line of the same text.
        let stale = Self.allowed.indices.filter { !used.contains($0) }.map { "\(Self.allowed[$0].file): \(Self.allowed[$0].line)" }
        #expect(stale.isEmpty, "stale allowances:\n\(stale.joined(separator: "\n"))")
        // The lexer saw the code base's literals (thousands), not a handful.
        #expect(literals > 2000, "only \(literals) literals lexed")
    }

    @Test func interpolatedStatementsAreFound() {
        let sources = [
            #"let rows = try await connection.query("SELECT * FROM products WHERE product_id = '\(id)'")"#,
            #"try await connection.execute("DELETE FROM images WHERE image_id = \(key)")"#,
            #"try await connection.execute("update products set title = '\(title)'")"#,
            "let sql = \"\"\"\n    INSERT INTO products (product_id) VALUES ('\\(id)')\n    \"\"\"",
            #"sql += " ORDER BY id LIMIT \(pageSize)""#,
            ##"let sql = #"SELECT * FROM t WHERE a = \#(value)"#"##,
        ]
        for source in sources {
            let findings = Self.findings(in: source)
            #expect(findings.map(\.rule) == [.interpolatedSQL], "\(source): \(findings)")
        }
    }

    @Test func interpolatedArgumentsOfSQLCallsAreFoundEvenWithoutKeywords() {
        let findings = Self.findings(in: #"try await connection.simpleQuery("\(statement)")"#)
        #expect(findings.map(\.rule) == [.interpolatedArgument])
        #expect(findings.first?.line == 1)
    }

    @Test func concatenationWithAVariableIsFound() {
        let findings = Self.findings(in: "let x = 1\nlet rows = try await c.query(\"SELECT * FROM products WHERE id = '\" + id + \"'\")")
        #expect(findings.map(\.rule) == [.concatenatedSQL], "\(findings)")
        #expect(findings.first?.line == 2)
        let before = Self.findings(in: #"let sql = prefix + " WHERE id = $1""#)
        #expect(before.map(\.rule) == [.concatenatedSQL], "\(before)")
        let verbOnly = Self.findings(in: #"try await connection.simpleQuery("DROP TABLE " + table)"#)
        #expect(verbOnly.map(\.rule) == [.concatenatedSQL], "\(verbOnly)")
    }

    @Test func parameterisedSQLAndOrdinaryTextPass() {
        let sources = [
            #"try await connection.query("SELECT title FROM products WHERE product_id = $1", [id])"#,
            "let sql = Self.base + \"\"\"\n AND v.shard = $1\n\"\"\"",
            #"sql += " AND v.super_category = $3 ORDER BY v.article_id LIMIT $4""#,
            #"logger.info("selected \(count) images from \(folder)")"#,
            #"throw PostgresError(kind: .protocol, message: "COPY FROM STDIN answered with \(status)")"#,
            "// try await connection.query(\"SELECT * FROM t WHERE a = \\(value)\")",
            "/* \"DELETE FROM t WHERE a = \\(value)\" */",
            ##"let raw = #"SELECT * FROM t WHERE a = \(notInterpolated)"#"##,
            #"let text = "nested \(flag ? "SELECT" : "none") here""#,
        ]
        for source in sources {
            #expect(Self.findings(in: source).isEmpty, "\(source): \(Self.findings(in: source))")
        }
    }

    @Test func literalsInsideInterpolationsAreLexed() {
        let scanner = SQLSourceScanner(source: #"log("a \(x ? "DELETE FROM t WHERE a = \(y)" : "b") c")"#)
        #expect(scanner.literals.count == 3)
        #expect(scanner.findings().map(\.rule) == [.interpolatedSQL])
    }
}
