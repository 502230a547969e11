import ShopLookTestSupport
import Foundation
import Testing
import ShopLookPostgres

@Suite("Pool and reconnects", .requiresDatabase)
struct PoolTests {
    @Test func terminatedBackendIsReplacedByThePool() async throws {
        try await TestDatabase.withSchema { schema in
            let pool = PostgresPool(configuration: try schema.configuration(), maximumConnections: 1, logger: TestDatabase.logger)
            let first = try await pool.withConnection { connection in await connection.backendPID }
            let terminated = try await schema.admin.query("SELECT pg_terminate_backend($1)", [Int32(first)])
            #expect(try terminated[0].decode(Bool.self, at: 0))
            try await schema.waitForBackendExit(first)

            // The next query through the pool succeeds on a new session.
            let (second, value) = try await pool.withConnection { connection in
                (await connection.backendPID, try await connection.query("SELECT 41 + 1")[0].decode(Int.self, at: 0))
            }
            #expect(value == 42)
            #expect(second != first)
            #expect(await pool.statistics.open == 1)
            await pool.close()
        }
    }

    @Test func directConnectionReportsRetriableConnectionError() async throws {
        try await TestDatabase.withSchema { schema in
            let connection = try await schema.connect()
            let pid = await connection.backendPID
            _ = try await schema.admin.query("SELECT pg_terminate_backend($1)", [Int32(pid)])
            try await schema.waitForBackendExit(pid)
            let error = await #expect(throws: PostgresError.self) { try await connection.query("SELECT 1") }
            #expect(error?.kind == .connection)
            #expect(error?.isRetriable == true)
            #expect(await connection.isHealthy == false)
            let again = await #expect(throws: PostgresError.self) { try await connection.query("SELECT 1") }
            #expect(again?.kind == .connection)
            await connection.close()
        }
    }

    @Test func retryingRerunsRetriableFailuresOnly() async throws {
        try await TestDatabase.withSchema { schema in
            let fast = PostgresConfiguration.Backoff(initialDelay: .milliseconds(10), maximumDelay: .milliseconds(50), maximumTotalWait: .seconds(10))
            let pool = PostgresPool(configuration: try schema.configuration(backoff: fast), maximumConnections: 2, logger: TestDatabase.logger)
            try await pool.withConnection { try await $0.simpleQuery("CREATE TABLE t (id int PRIMARY KEY)") }

            // A serialization failure (40001) raised by the body is retried; the second attempt succeeds.
            let attempts = Counter()
            let result = try await pool.retrying { connection in
                if await attempts.increment() == 1 {
                    try await connection.simpleQuery("DO $$ BEGIN RAISE EXCEPTION 'conflict' USING ERRCODE = 'serialization_failure'; END $$")
                }
                return try await connection.execute("INSERT INTO t VALUES ($1) ON CONFLICT DO NOTHING", [Int32(1)])
            }
            #expect(result == 1)
            #expect(await attempts.value == 2)

            // A unique violation is not retriable: one attempt, error thrown.
            let once = Counter()
            let error = await #expect(throws: PostgresError.self) {
                try await pool.retrying { connection in
                    _ = await once.increment()
                    return try await connection.execute("INSERT INTO t VALUES ($1)", [Int32(1)])
                }
            }
            #expect(error?.sqlState == "23505")
            #expect(await once.value == 1)

            // A connection killed under the body: the retry runs on a fresh connection.
            let killed = Counter()
            let pid = try await pool.retrying { connection in
                let pid = await connection.backendPID
                if await killed.increment() == 1 {
                    _ = try await schema.admin.query("SELECT pg_terminate_backend($1)", [Int32(pid)])
                    try await schema.waitForBackendExit(pid)
                    _ = try await connection.query("SELECT 1")  // fails: connection lost
                }
                return pid
            }
            #expect(await killed.value == 2)
            #expect(pid != 0)
            await pool.close()
        }
    }

    @Test func waitersAreServedInOrderAndCancellationIsSafe() async throws {
        try await TestDatabase.withSchema { schema in
            let pool = PostgresPool(configuration: try schema.configuration(), maximumConnections: 1, logger: TestDatabase.logger)
            let (holding, holdingContinuation) = AsyncStream<Void>.makeStream()
            let (release, releaseContinuation) = AsyncStream<Void>.makeStream()
            let order = Recorder()

            let holder = Task {
                try await pool.withConnection { _ in
                    holdingContinuation.yield()
                    for await _ in release { break }
                }
            }
            for await _ in holding { break }

            let cancelled = Task { try await pool.withConnection { _ in await order.append("cancelled ran") } }
            try await waitUntil { await pool.statistics.waiting == 1 }
            let first = Task { try await pool.withConnection { _ in await order.append("first") } }
            try await waitUntil { await pool.statistics.waiting == 2 }
            let second = Task { try await pool.withConnection { _ in await order.append("second") } }
            try await waitUntil { await pool.statistics.waiting == 3 }

            cancelled.cancel()
            await #expect(throws: CancellationError.self) { try await cancelled.value }
            try await waitUntil { await pool.statistics.waiting == 2 }

            releaseContinuation.yield()
            try await holder.value
            try await first.value
            try await second.value
            #expect(await order.items == ["first", "second"])
            let statistics = await pool.statistics
            #expect(statistics.open == 1)
            #expect(statistics.idle == 1)
            await pool.close()
            await #expect(throws: PostgresError.self) { try await pool.withConnection { _ in 1 } }
        }
    }

    @Test func leakedTransactionIsRolledBackOnReturn() async throws {
        try await TestDatabase.withSchema { schema in
            let pool = PostgresPool(configuration: try schema.configuration(), maximumConnections: 1, logger: TestDatabase.logger)
            try await pool.withConnection { connection in
                try await connection.simpleQuery("CREATE TABLE t (id int)")
                try await connection.simpleQuery("BEGIN")
                try await connection.execute("INSERT INTO t VALUES ($1)", [Int32(1)])
            }
            let (count, inTransaction) = try await pool.withConnection { connection in
                (try await connection.query("SELECT count(*) FROM t")[0].decode(Int.self, at: 0), await connection.isInTransaction)
            }
            #expect(count == 0)
            #expect(inTransaction == false)
            await pool.close()
        }
    }
}

actor Counter {
    private(set) var value = 0
    func increment() -> Int {
        value += 1
        return value
    }
}

actor Recorder {
    private(set) var items: [String] = []
    func append(_ item: String) { items.append(item) }
}

/// Polls `condition` every 5 ms for at most 5 s.
func waitUntil(_ condition: () async throws -> Bool) async throws {
    for _ in 0..<1000 {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(5))
    }
    throw PostgresError(kind: .timeout, message: "condition not met in time")
}
