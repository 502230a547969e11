import ShopLookTestSupport
import Testing
import ShopLookPostgres

/// Hostile strings are data: they go in as parameters and come back unchanged, and the table survives.
@Suite("SQL injection stays data", .requiresDatabase)
struct InjectionTests {
    static let hostile = [
        "'); DROP TABLE t; --",
        "'; DROP TABLE t; --",
        "\"; DROP TABLE t; --",
        "Robert'); DELETE FROM t WHERE ('1' = '1",
        "\\'; DROP TABLE t; --",
        "back\\slash \\\\ and \\x00 text",
        "$1 $2 $$ dollar $$; DROP TABLE t; $$",
        "E'\\047' || chr(39)",
        "/* comment */ SELECT pg_sleep(10); --",
        "Ünïcödé ’quotes’ “double” 👗 \u{202E}rtl",
        "multi\nline\r\ntab\there",
    ]

    @Test func hostileStringsRoundTripAndTheTableSurvives() async throws {
        try await TestDatabase.withSchema { schema in
            try await schema.withConnection { connection in
                try await connection.simpleQuery("CREATE TABLE t (id serial PRIMARY KEY, v text NOT NULL)")
                for value in Self.hostile {
                    try await connection.execute("INSERT INTO t (v) VALUES ($1)", [value])
                }
                let rows = try await connection.query("SELECT v FROM t ORDER BY id")
                #expect(try rows.map { try $0.decode(String.self, at: 0) } == Self.hostile)
                for value in Self.hostile {
                    let match = try await connection.query("SELECT count(*) FROM t WHERE v = $1", [value])
                    #expect(try match[0].decode(Int.self, at: 0) == 1)
                }
                let exists = try await connection.query("SELECT to_regclass('t') IS NOT NULL")
                #expect(try exists[0].decode(Bool.self, at: 0))
                // The same strings as identifiers are quoted, not executed.
                for value in Self.hostile.prefix(3) {
                    let quoted = try PostgresIdentifier.quoted(value)
                    try await connection.simpleQuery("CREATE TABLE " + quoted + " (x int)")
                    try await connection.copyIn(table: value, columns: ["x"], rows: [[Int32(1)]])
                    let count = try await connection.query("SELECT count(*) FROM " + quoted)
                    #expect(try count[0].decode(Int.self, at: 0) == 1)
                }
                let still = try await connection.query("SELECT count(*) FROM t")
                #expect(try still[0].decode(Int.self, at: 0) == Self.hostile.count)
            }
        }
    }
}
