import Foundation
import Logging
import ShopLookPostgres

/// Thrown (so the test fails, never skips) when no test server is configured.
public struct MissingTestDatabase: Error, CustomStringConvertible {
    public var description: String {
        """
        SHOPLOOK_TEST_DATABASE_URL is not set: the ShopLookPostgres tests need a real PostgreSQL 15 server.
        Run the tests with `Deploy/test` (it starts the local stack and sets the variable), or by hand:
            Deploy/local/stack start
            export SHOPLOOK_TEST_DATABASE_URL=postgres://shoplook@127.0.0.1:54329/shoplook
            swift test
        """
    }
}

public enum TestDatabase {
    public static let logger: Logger = {
        var logger = Logger(label: "shoplook.postgres.tests")
        logger.logLevel = .warning
        return logger
    }()

    public static func baseURL() throws -> String {
        guard let url = ProcessInfo.processInfo.environment["SHOPLOOK_TEST_DATABASE_URL"], !url.isEmpty else {
            throw MissingTestDatabase()
        }
        return url
    }

    /// Creates a fresh schema with a random name, runs `body` with connection settings whose `search_path`
    /// is that schema, and drops the schema afterwards (also when `body` throws).
    public static func withSchema<T>(
        isolation: isolated (any Actor)? = #isolation, _ body: (TestSchema) async throws -> T
    ) async throws -> T {
        let base = try baseURL()
        let name = "test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
        let admin = try await PostgresConnection.connect(try PostgresConfiguration(base), logger: logger)
        try await admin.simpleQuery("CREATE SCHEMA " + (try PostgresIdentifier.quoted(String(name))))
        let separator = base.contains("?") ? "&" : "?"
        let url = base + separator + "options=-csearch_path%3D" + name
        let schema = TestSchema(name: String(name), url: url, admin: admin)
        do {
            let result = try await body(schema)
            try await drop(schema, admin)
            return result
        } catch {
            try? await drop(schema, admin)
            throw error
        }
    }

    /// A fresh schema with the project's migrations applied (`Migrations/` of this package).
    public static func withMigratedSchema<T>(
        isolation: isolated (any Actor)? = #isolation, _ body: (TestSchema) async throws -> T
    ) async throws -> T {
        try await withSchema { schema in
            try await schema.withConnection { connection in
                _ = try await Migrator(directory: TestPaths.packageRoot.appendingPathComponent("Migrations"), logger: logger)
                    .migrate(on: connection)
            }
            return try await body(schema)
        }
    }

    private static func drop(_ schema: TestSchema, _ admin: PostgresConnection) async throws {
        try await admin.simpleQuery("DROP SCHEMA " + (try PostgresIdentifier.quoted(schema.name)) + " CASCADE")
        await admin.close()
    }
}

public struct TestSchema: Sendable {
    public let name: String
    /// The server URL with `options=-csearch_path=<name>`.
    public let url: String
    /// A connection outside the schema's search path, for server-side checks (terminating backends, …).
    public let admin: PostgresConnection

    public func configuration(backoff: PostgresConfiguration.Backoff = .init()) throws -> PostgresConfiguration {
        try PostgresConfiguration(url, backoff: backoff)
    }

    public func connect() async throws -> PostgresConnection {
        try await PostgresConnection.connect(try configuration(), logger: TestDatabase.logger)
    }

    /// Runs `body` with a new connection in this schema and closes it afterwards.
    public func withConnection<T>(
        isolation: isolated (any Actor)? = #isolation, _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        let connection = try await connect()
        do {
            let result = try await body(connection)
            await connection.close()
            return result
        } catch {
            await connection.close()
            throw error
        }
    }

    /// Waits (bounded) until the backend `pid` has exited.
    public func waitForBackendExit(_ pid: Int) async throws {
        for _ in 0..<500 {
            let rows = try await admin.query("SELECT count(*) FROM pg_stat_activity WHERE pid = $1", [Int32(pid)])
            if try rows[0].decode(Int.self, at: 0) == 0 { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw PostgresError(kind: .timeout, message: "backend \(pid) did not exit")
    }
}

extension Float {
    public static let signalingNaNWithPayload = Float(bitPattern: 0x7FA0_0001)
}
