import Foundation
import ShopLookPostgres
import ShopLookSearchClient
import ShopLookTestSupport
import Testing

@Suite(
    .enabled(
        if: ProcessInfo.processInfo.environment["SHOPLOOK_TEST_DATABASE_URL"] != nil,
        "needs PostgreSQL: set SHOPLOOK_TEST_DATABASE_URL (Deploy/local/stack start; see Deploy/test)"),
    .timeLimit(.minutes(1)))
struct ShardDirectoryTests {
    @Test func readsTheShardsThatHaveAReadyOwner() async throws {
        try await TestDatabase.withMigratedSchema { schema in
            let pool = PostgresPool(configuration: try schema.configuration(), maximumConnections: 1, logger: TestDatabase.logger)
            let directory = ShardDirectory(pool: pool)
            #expect(try await directory.locations().isEmpty)

            try await pool.withConnection { connection in
                _ = try await connection.execute(
                    """
                    INSERT INTO searcher_shards (shard, owner, member, generation, vectors)
                    VALUES (0, '127.0.0.1:9501', 'host-a/1/x', 14, 100), (3, '[::1]:9502', 'host-b/2/y', 15, 0)
                    """)
            }
            #expect(try await directory.locations() == [
                0: ShardLocation(owner: "127.0.0.1:9501", generation: 14),
                3: ShardLocation(owner: "[::1]:9502", generation: 15),
            ])

            // Revocation deletes the row; a new load takes a new generation.
            try await pool.withConnection { connection in
                _ = try await connection.execute("DELETE FROM searcher_shards WHERE shard = 0")
                _ = try await connection.execute("UPDATE searcher_shards SET owner = '127.0.0.1:9503', generation = 16 WHERE shard = 3")
            }
            #expect(try await directory.locations() == [3: ShardLocation(owner: "127.0.0.1:9503", generation: 16)])
            await pool.close()
        }
    }
}

/// Needs no server: nothing listens on port 1.
struct ShardDirectoryErrorTests {
    @Test func anUnreachableDatabaseIsADirectoryError() async throws {
        let pool = PostgresPool(
            configuration: try PostgresConfiguration(
                "postgres://nobody@127.0.0.1:1/none", connectTimeout: .seconds(1),
                backoff: .init(initialDelay: .milliseconds(10), maximumTotalWait: .milliseconds(50))),
            maximumConnections: 1, logger: TestDatabase.logger)
        let error = await #expect(throws: SearchClientError.self) { try await ShardDirectory(pool: pool).locations() }
        guard case .directoryUnavailable? = error else {
            Issue.record("expected directoryUnavailable, got \(String(describing: error))")
            return
        }
        await pool.close()
    }
}
