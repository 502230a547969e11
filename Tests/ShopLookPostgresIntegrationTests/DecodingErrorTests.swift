import ShopLookTestSupport
import Testing
import ShopLookPostgres

@Suite("Decoding errors", .requiresDatabase)
struct DecodingErrorTests {
    @Test func errorsNameColumnAndTypes() async throws {
        try await TestDatabase.withSchema { schema in
            try await schema.withConnection { connection in
                let rows = try await connection.query(
                    "SELECT NULL::text AS title, 42::int4 AS size, '\\x0102030405'::bytea AS vec, 1.5::float8 AS ratio, ARRAY[1,NULL]::int4[] AS ids"
                )
                let row = rows[0]
                #expect(rows.columnNames == ["title", "size", "vec", "ratio", "ids"])
                #expect(rows.columnTypes == [.text, .int4, .bytea, .float8, .int4Array])

                let null = #expect(throws: PostgresError.self) { try row.decode(String.self, named: "title") }
                #expect(null?.kind == .decoding)
                #expect(null?.message.contains("\"title\"") == true)
                #expect(null?.message.contains("is NULL") == true)
                #expect(try row.decode(String?.self, named: "title") == nil)

                let mismatch = #expect(throws: PostgresError.self) { try row.decode(String.self, named: "size") }
                #expect(mismatch?.message == "column \"size\" (#1, int4): cannot decode int4 as String (expects text or varchar or bpchar or name or unknown or json or jsonb)")
                #expect(mismatch?.column == "size")

                let narrowing = #expect(throws: PostgresError.self) { try row.decode(Float.self, named: "ratio") }
                #expect(narrowing?.message.contains("cannot decode float8 as Float") == true)
                let int16 = #expect(throws: PostgresError.self) { try row.decode(Int16.self, at: 1) }
                #expect(int16?.message.contains("cannot decode int4 as Int16") == true)

                let vector = #expect(throws: PostgresError.self) { try row.decode(Float32Vector.self, named: "vec") }
                #expect(vector?.message.contains("multiple of 4") == true)

                let arrayNull = #expect(throws: PostgresError.self) { try row.decode([Int].self, named: "ids") }
                #expect(arrayNull?.message.contains("NULL") == true)

                let name = #expect(throws: PostgresError.self) { try row.decode(Int.self, named: "nope") }
                #expect(name?.message.contains("no column named \"nope\"") == true)
                let index = #expect(throws: PostgresError.self) { try row.decode(Int.self, at: 9) }
                #expect(index?.message.contains("out of range") == true)
            }
        }
    }
}
