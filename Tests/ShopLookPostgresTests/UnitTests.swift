import ShopLookTestSupport
import Foundation
import ShopLookCore
import Testing
@testable import ShopLookPostgres

@Suite("Without a server")
struct UnitTests {
    @Test func sha256AgreesWithTheServerAcrossBlockBoundaries() async throws {
        try await TestDatabase.withSchema { schema in
            try await schema.withConnection { connection in
                for length in [0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 129, 1000] {
                    let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
                    let server = try await connection.query("SELECT encode(sha256($1), 'hex')", [bytes])[0].decode(String.self, at: 0)
                    #expect(SHA256.hexDigest(bytes) == server, "length \(length)")
                }
            }
        }
    }

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
}
