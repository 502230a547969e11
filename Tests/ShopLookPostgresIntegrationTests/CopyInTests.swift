import ShopLookTestSupport
import Foundation
import Testing
@testable import ShopLookPostgres

@Suite("Binary COPY", .requiresDatabase)
struct CopyInTests {
    struct Item: Equatable {
        var id: Int32
        var title: String
        var note: String?
        var score: Double?
        var vector: Float32Vector?
        var created: Date
    }

    static func item(_ index: Int) -> Item {
        let texts = ["tab\there", "new\nline", "quote ' and \" double", "back\\slash \\N", "ünïcödé 👗", "", "\\.", "plain"]
        var values = (0..<64).map { Float(index) * 0.5 + Float($0) / 64 }
        if index % 17 == 0 { values[0] = -0.0; values[1] = .nan; values[2] = .infinity; values[3] = -.infinity }
        return Item(
            id: Int32(index),
            title: texts[index % texts.count] + " #" + String(index),
            note: index % 3 == 0 ? nil : texts[(index + 3) % texts.count],
            score: index % 5 == 0 ? nil : Double(index) / 7,
            vector: index % 11 == 0 ? nil : Float32Vector(values),
            created: Date(timeIntervalSinceReferenceDate: Double(700_000_000_000_000 + index * 1_000_001) / 1_000_000)
        )
    }

    @Test func tenThousandRowsReadBackEqual() async throws {
        try await TestDatabase.withSchema { schema in
            try await schema.withConnection { connection in
                try await connection.simpleQuery("""
                    CREATE TABLE items (
                        id int PRIMARY KEY, title text NOT NULL, note varchar(100), score float8,
                        vector bytea, created timestamptz NOT NULL, big bigint, flag bool
                    )
                    """)
                let items = (0..<10_000).map(Self.item)
                let rows = items.lazy.map { item -> [(any PostgresEncodable)?] in
                    // `id` is an Int (int8) on purpose: it is narrowed to the int4 column when it fits.
                    [Int(item.id), item.title, item.note, item.score, item.vector, item.created, Int64(item.id) << 32, item.id % 2 == 0]
                }
                let copied = try await connection.copyIn(
                    table: "items", columns: ["id", "title", "note", "score", "vector", "created", "big", "flag"], rows: rows
                )
                #expect(copied == 10_000)

                let back = try await connection.query("SELECT id, title, note, score, vector, created, big, flag FROM items ORDER BY id")
                #expect(back.count == 10_000)
                var mismatches = 0
                for (row, item) in zip(back, items) {
                    let vector = try row.decode(Float32Vector?.self, at: 4)
                    let decoded = Item(
                        id: try row.decode(Int32.self, at: 0), title: try row.decode(String.self, at: 1),
                        note: try row.decode(String?.self, at: 2), score: try row.decode(Double?.self, at: 3),
                        vector: item.vector == nil ? vector : item.vector, created: try row.decode(Date.self, at: 5)
                    )
                    let big = try row.decode(Int.self, at: 6)
                    let flag = try row.decode(Bool.self, at: 7)
                    if decoded != item || vector?.values.map(\.bitPattern) != item.vector?.values.map(\.bitPattern)
                        || big != Int(item.id) << 32 || flag != (item.id % 2 == 0) {
                        mismatches += 1
                    }
                }
                #expect(mismatches == 0)
                // Spot-check server-side that the text with tabs/newlines arrived as such.
                let tabbed = try await connection.query("SELECT count(*) FROM items WHERE title LIKE $1", ["tab\there%"])
                #expect(try tabbed[0].decode(Int.self, at: 0) == 1250)
                let nulls = try await connection.query("SELECT count(*) FILTER (WHERE note IS NULL), count(*) FILTER (WHERE vector IS NULL) FROM items")
                #expect(try nulls[0].decode(Int.self, at: 0) == 3334)
                #expect(try nulls[0].decode(Int.self, at: 1) == 910)
            }
        }
    }

    @Test func encodingErrorAbortsTheWholeCopy() async throws {
        try await TestDatabase.withSchema { schema in
            try await schema.withConnection { connection in
                try await connection.simpleQuery("CREATE TABLE small (id int2, name text)")
                let rows: [[(any PostgresEncodable)?]] = (0..<1000).map { [Int($0 * 40), "n"] }  // 32,800 > int2 max
                let error = await #expect(throws: PostgresError.self) {
                    try await connection.copyIn(table: "small", columns: ["id", "name"], rows: rows)
                }
                #expect(error?.kind == .encoding)
                #expect(error?.message.contains("row 821") == true)
                #expect(error?.column == "id")
                #expect(try await connection.query("SELECT count(*) FROM small")[0].decode(Int.self, at: 0) == 0)
                #expect(await connection.isHealthy)

                let width = await #expect(throws: PostgresError.self) {
                    try await connection.copyIn(table: "small", columns: ["id", "name"], rows: [[Int16(1)]])
                }
                #expect(width?.message.contains("1 values for 2 columns") == true)
                let type = await #expect(throws: PostgresError.self) {
                    try await connection.copyIn(table: "small", columns: ["id", "name"], rows: [[true, "x"]])
                }
                #expect(type?.message.contains("bool value cannot be written to a int2 column") == true)

                // A server-side failure (NOT NULL) mid-stream also leaves nothing and keeps the connection usable.
                try await connection.simpleQuery("ALTER TABLE small ALTER COLUMN name SET NOT NULL")
                let server = await #expect(throws: PostgresError.self) {
                    try await connection.copyIn(table: "small", columns: ["id", "name"], rows: [[Int16(1), "a"], [Int16(2), nil]])
                }
                #expect(server?.sqlState == "23502")
                #expect(try await connection.query("SELECT count(*) FROM small")[0].decode(Int.self, at: 0) == 0)
                #expect(try await connection.copyIn(table: "small", columns: ["id", "name"], rows: [[Int16(1), "ok"]]) == 1)

                let unknown = await #expect(throws: PostgresError.self) {
                    try await connection.copyIn(table: "missing", columns: ["id"], rows: [[1]])
                }
                #expect(unknown?.sqlState == "42P01")
            }
        }
    }

    @Test func copyInsideATransactionRollsBack() async throws {
        try await TestDatabase.withSchema { schema in
            try await schema.withConnection { connection in
                try await connection.simpleQuery("CREATE TABLE t (v jsonb, s varchar(10), f float8)")
                await #expect(throws: Boom.self) {
                    try await connection.transaction { tx in
                        // String → jsonb and Float → float8 are converted for binary COPY.
                        try await tx.copyIn(table: "t", columns: ["v", "s", "f"], rows: [["{\"a\": 1}", "short", Float(0.5)]])
                        #expect(try await tx.query("SELECT v ->> 'a', f FROM t")[0].decode(String.self, at: 0) == "1")
                        throw Boom()
                    }
                }
                #expect(try await connection.query("SELECT count(*) FROM t")[0].decode(Int.self, at: 0) == 0)
            }
        }
    }

    /// The sequence is iterated in the caller's isolation: a lazy map formed on the main actor must not be
    /// run on the connection's thread (that traps in Swift's isolation check).
    @Test @MainActor func lazySequenceFromTheMainActor() async throws {
        try await TestDatabase.withSchema { schema in
            let connection = try await schema.connect()
            try await connection.simpleQuery("CREATE TABLE t (id int, v bytea)")
            var seen = 0
            let rows = (0..<5_000).lazy.map { index -> [(any PostgresEncodable)?] in
                MainActor.assertIsolated()
                seen += 1
                return [Int32(index), Float32Vector([Float(index)])]
            }
            #expect(try await connection.copyIn(table: "t", columns: ["id", "v"], rows: rows) == 5_000)
            #expect(seen == 5_000)
            #expect(try await connection.query("SELECT sum(id) FROM t")[0].decode(Int.self, at: 0) == 12_497_500)
            #expect(await connection.isOnDedicatedThread())
            await connection.close()
        }
    }
}
