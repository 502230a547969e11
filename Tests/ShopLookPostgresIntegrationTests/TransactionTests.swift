import ShopLookTestSupport
import Testing
import ShopLookPostgres

struct Boom: Error {}

@Suite("Transactions", .requiresDatabase)
struct TransactionTests {
    private func count(_ connection: PostgresConnection) async throws -> Int {
        try await connection.query("SELECT count(*) FROM items")[0].decode(Int.self, at: 0)
    }

    @Test func commitPersistsAndRollbackOnThrowLeavesNothing() async throws {
        try await TestDatabase.withSchema { schema in
            try await schema.withConnection { connection in
                try await connection.simpleQuery("CREATE TABLE items (id int PRIMARY KEY, name text)")
                let inserted = try await connection.transaction { tx in
                    try await tx.execute("INSERT INTO items VALUES ($1, $2), ($3, $4)", [1, "a", 2, "b"])
                }
                #expect(inserted == 2)
                // Visible from another session: really committed.
                try await schema.withConnection { other in
                    let committed = try await count(other)
                    #expect(committed == 2)
                }

                await #expect(throws: Boom.self) {
                    try await connection.transaction { tx in
                        try await tx.execute("INSERT INTO items VALUES ($1, $2)", [3, "c"])
                        try await tx.execute("DELETE FROM items WHERE id = $1", [1])
                        throw Boom()
                    }
                }
                #expect(try await count(connection) == 2)
                #expect(await connection.isHealthy)
                #expect(await connection.isInTransaction == false)

                // A failing statement rolls back the whole transaction and its error is rethrown unchanged.
                let error = await #expect(throws: PostgresError.self) {
                    try await connection.transaction { tx in
                        try await tx.execute("INSERT INTO items VALUES ($1, $2)", [4, "d"])
                        try await tx.execute("INSERT INTO items VALUES ($1, $2)", [1, "duplicate"])
                    }
                }
                #expect(error?.sqlState == "23505")
                #expect(try await count(connection) == 2)
                #expect(await connection.isHealthy)
            }
        }
    }

    @Test func nestedTransactionsUseSavepoints() async throws {
        try await TestDatabase.withSchema { schema in
            try await schema.withConnection { connection in
                try await connection.simpleQuery("CREATE TABLE items (id int PRIMARY KEY, name text)")
                try await connection.transaction { tx in
                    try await tx.execute("INSERT INTO items VALUES ($1, $2)", [1, "outer"])
                    do {
                        try await tx.transaction { inner in
                            try await inner.execute("INSERT INTO items VALUES ($1, $2)", [2, "inner"])
                            throw Boom()
                        }
                    } catch is Boom {}
                    try await tx.transaction { inner in
                        try await inner.execute("INSERT INTO items VALUES ($1, $2)", [3, "inner kept"])
                    }
                }
                let ids = try await connection.query("SELECT id FROM items ORDER BY id").map { try $0.decode(Int.self, at: 0) }
                #expect(ids == [1, 3])
            }
        }
    }

    @Test func swallowedStatementErrorIsNotCommitted() async throws {
        try await TestDatabase.withSchema { schema in
            try await schema.withConnection { connection in
                try await connection.simpleQuery("CREATE TABLE items (id int PRIMARY KEY, name text)")
                let error = await #expect(throws: PostgresError.self) {
                    try await connection.transaction { tx in
                        try await tx.execute("INSERT INTO items VALUES ($1, $2)", [1, "a"])
                        _ = try? await tx.execute("INSERT INTO items VALUES ($1, $2)", [1, "a again"])
                        #expect(await tx.isHealthy == false)  // in a failed transaction
                    }
                }
                #expect(error?.sqlState == "25P02")
                #expect(try await count(connection) == 0)
                #expect(await connection.isHealthy)
            }
        }
    }
}
