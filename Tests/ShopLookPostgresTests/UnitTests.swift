import Foundation
import ShopLookTestSupport
import Testing
@testable import ShopLookPostgres

@Suite("Without a server")
struct UnitTests {

    @Test func backoffDelays() {
        let backoff = PostgresConfiguration.Backoff()
        let delays = (1...8).map { backoff.delay(beforeRetry: $0, randomSample: 0.5) }
        #expect(delays == [.milliseconds(100), .milliseconds(200), .milliseconds(400), .milliseconds(800),
                           .milliseconds(1600), .milliseconds(3200), .seconds(5), .seconds(5)])
        #expect(backoff.delay(beforeRetry: 1, randomSample: 0) == .milliseconds(80))
        #expect(backoff.delay(beforeRetry: 1, randomSample: 0.999_999_999) <= .milliseconds(120))
        #expect(backoff.delay(beforeRetry: 1, randomSample: 0.999_999_999) > .milliseconds(119))
        #expect(backoff.delay(beforeRetry: 20, randomSample: 1) == .seconds(5))  // jitter never exceeds the cap
        #expect(backoff.maximumTotalWait == .seconds(30))
        for attempt in 1...10 {
            let delay = backoff.delay(beforeRetry: attempt)
            #expect(delay > .zero && delay <= .seconds(5))
        }
    }

    @Test func configurationFromURL() throws {
        let configuration = try PostgresConfiguration(
            "postgres://shop:s3cret@db.internal:6543/shoplook?sslmode=disable&application_name=embedder&options=-csearch_path%3Dtenant&connect_timeout=7"
        )
        #expect(configuration.host == "db.internal")
        #expect(configuration.port == 6543)
        #expect(configuration.database == "shoplook")
        #expect(configuration.user == "shop")
        #expect(configuration.sslMode == "disable")
        #expect(configuration.applicationName == "embedder")
        #expect(configuration.parameters["options"] == "-csearch_path=tenant")
        #expect(configuration.parameters["password"] == nil)
        #expect(configuration.connectTimeout == .seconds(7))
        #expect(!configuration.description.contains("s3cret"))
        #expect(configuration.description.hasPrefix("postgres://shop@db.internal:6543/shoplook?"))

        #expect(try PostgresConfiguration(url: "postgresql://localhost/db").database == "db")
        let keywords = try PostgresConfiguration("host=127.0.0.1 port=5433 dbname=x user=u password=p")
        #expect(keywords.port == 5433)
        #expect(keywords.parameters["password"] == nil)
        #expect(try PostgresConfiguration("postgres://localhost/db", connectTimeout: .seconds(3)).connectTimeout == .seconds(3))
    }

    @Test func invalidConfigurations() {
        for bad in ["http://localhost/db", "mysql://u@h/db", "postgres://localhost/db?nonsense=1", "host=a bogus_key=1", "postgres://h/d\u{0}"] {
            let error = #expect(throws: PostgresError.self, "\(bad)") { try PostgresConfiguration(bad) }
            #expect(error?.kind == .configuration)
            #expect(error?.isRetriable == false)
        }
        #expect(throws: PostgresError.self) { try PostgresConfiguration(url: "host=localhost") }
    }

    @Test func migrationFileNames() {
        #expect(Migration.parseFileName("0001_initial.sql")! == (1, "initial"))
        #expect(Migration.parseFileName("0042_add_index_x.sql")! == (42, "add_index_x"))
        #expect(Migration.parseFileName("0001.sql") == nil)
        #expect(Migration.parseFileName("0001_.sql") == nil)
        #expect(Migration.parseFileName("abc_initial.sql") == nil)
        #expect(Migration.parseFileName("0001_initial.sql.bak") == nil)
        #expect(Migration.parseFileName("README.md") == nil)
    }

    @Test func binaryCoercions() throws {
        func coerce(_ value: some PostgresEncodable, to target: PostgresType) throws(PostgresError) -> [UInt8] {
            var buffer: [UInt8] = [0xEE]
            value.encode(into: &buffer)
            try BinaryCoercion.coerce(&buffer, from: 1, source: type(of: value).postgresType, target: target)
            return Array(buffer.dropFirst())
        }
        #expect(try coerce(7, to: .int4) == [0, 0, 0, 7])
        #expect(try coerce(Int16(-2), to: .int8) == [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE])
        #expect(throws: PostgresError.self) { try coerce(70_000, to: .int2) }
        #expect(try coerce(Float(1.5), to: .float8) == [0x3F, 0xF8, 0, 0, 0, 0, 0, 0])
        #expect(try coerce(1.5, to: .float4) == [0x3F, 0xC0, 0, 0])
        #expect(throws: PostgresError.self) { try coerce(0.1, to: .float4) }
        #expect(try coerce("{}", to: .jsonb) == [1, 0x7B, 0x7D])
        #expect(try coerce(PostgresJSON(text: "{}"), to: .json) == [0x7B, 0x7D])
        #expect(try coerce("x", to: .varchar) == [0x78])
        #expect(throws: PostgresError.self) { try coerce(true, to: .text) }
        #expect(try coerce(true, to: PostgresType(rawValue: 99_999)) == [1])  // unknown target: passed through
    }

    @Test func identifierQuoting() throws {
        #expect(try PostgresIdentifier.quoted("products") == "\"products\"")
        #expect(try PostgresIdentifier.quoted("my \"t\"") == "\"my \"\"t\"\"\"")
        #expect(try PostgresIdentifier.qualified("t", schema: "s\"x") == "\"s\"\"x\".\"t\"")
        #expect(throws: PostgresError.self) { try PostgresIdentifier.quoted("") }
        let error = #expect(throws: PostgresError.self) { try PostgresIdentifier.quoted("a\u{0}b") }
        #expect(error?.kind == .encoding)
    }

    @Test func binaryStreamLayout() throws {
        var writer = CopyWriter(columnNames: ["a", "b", "c"], columnTypes: [.int4, .text, .bytea], capacity: 64)
        try writer.append([Int32(7), "hi", nil])
        writer.appendTrailer()
        let expected: [UInt8] = Array("PGCOPY\n".utf8) + [0xFF, 0x0D, 0x0A, 0x00]
            + [0, 0, 0, 0] + [0, 0, 0, 0]  // flags, extension length
            + [0, 3]  // field count
            + [0, 0, 0, 4, 0, 0, 0, 7]  // int4 7
            + [0, 0, 0, 2, 0x68, 0x69]  // "hi"
            + [0xFF, 0xFF, 0xFF, 0xFF]  // NULL
            + [0xFF, 0xFF]  // trailer
        #expect(writer.buffer == expected)
    }

    @Test func unreachableServerGivesUpAfterTheTotalWait() async throws {
        let backoff = PostgresConfiguration.Backoff(initialDelay: .milliseconds(20), maximumDelay: .milliseconds(100), maximumTotalWait: .milliseconds(400))
        let configuration = try PostgresConfiguration("postgres://nobody@127.0.0.1:1/none", backoff: backoff)
        let pool = PostgresPool(configuration: configuration, maximumConnections: 1, logger: TestDatabase.logger)
        let clock = ContinuousClock()
        let start = clock.now
        let error = await #expect(throws: PostgresError.self) { try await pool.withConnection { _ in 1 } }
        let elapsed = clock.now - start
        #expect(error?.kind == .connection)
        #expect(error?.message.contains("127.0.0.1") == true)
        #expect(elapsed >= .milliseconds(100))  // it did wait and retry
        // The failed slot was released: the pool is empty again.
        #expect(await pool.statistics.open == 0)
        await pool.close()
    }
}
