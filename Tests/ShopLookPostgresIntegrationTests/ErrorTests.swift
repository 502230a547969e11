import ShopLookTestSupport
import Testing
@testable import ShopLookPostgres

@Suite("Server errors", .requiresDatabase)
struct ErrorTests {
    @Test func uniqueViolationCarriesStateAndConstraint() async throws {
        try await TestDatabase.withSchema { schema in
            try await schema.withConnection { connection in
                try await connection.simpleQuery("CREATE TABLE users (id int PRIMARY KEY, email text CONSTRAINT users_email_key UNIQUE)")
                try await connection.execute("INSERT INTO users VALUES ($1, $2)", [Int32(1), "a@example.com"])
                let error = await #expect(throws: PostgresError.self) {
                    try await connection.execute("INSERT INTO users VALUES ($1, $2)", [Int32(2), "a@example.com"])
                }
                #expect(error?.kind == .server)
                #expect(error?.sqlState == "23505")
                #expect(error?.constraint == "users_email_key")
                #expect(error?.table == "users")
                #expect(error?.detail?.contains("a@example.com") == true)
                #expect(error?.isRetriable == false)
                #expect(error?.description.hasPrefix("ERROR 23505 (unique_violation): duplicate key value violates unique constraint") == true)
                // A statement error leaves the connection usable.
                #expect(await connection.isHealthy)
                #expect(try await connection.query("SELECT 1")[0].decode(Int.self, at: 0) == 1)
            }
        }
    }

    @Test func syntaxAndOtherErrors() async throws {
        try await TestDatabase.withSchema { schema in
            try await schema.withConnection { connection in
                let syntax = await #expect(throws: PostgresError.self) { try await connection.query("SELEC 1") }
                #expect(syntax?.sqlState == "42601")
                #expect(syntax?.conditionName == "syntax_error")
                #expect(syntax?.isRetriable == false)
                let missing = await #expect(throws: PostgresError.self) { try await connection.query("SELECT * FROM nope") }
                #expect(missing?.sqlState == "42P01")
                let multiple = await #expect(throws: PostgresError.self) { try await connection.query("SELECT 1; SELECT 2") }
                #expect(multiple?.sqlState == "42601")  // the extended protocol takes one statement
                let script = await #expect(throws: PostgresError.self) { try await connection.simpleQuery("SELECT 1; SELECT 1/0") }
                #expect(script?.sqlState == "22012")
                let nul = await #expect(throws: PostgresError.self) { try await connection.query("SELECT 'a\u{0}'") }
                #expect(nul?.kind == .encoding)
                let copy = await #expect(throws: PostgresError.self) { try await connection.simpleQuery("COPY (SELECT 1) TO STDOUT") }
                #expect(copy?.kind == .protocol)
                #expect(await connection.isHealthy)
                let selected = try await connection.execute("SELECT 1")
                #expect(selected == 1)
            }
        }
    }
}
