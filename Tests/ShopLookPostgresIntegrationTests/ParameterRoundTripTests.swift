import ShopLookTestSupport
import Foundation
import Testing
@testable import ShopLookPostgres

/// Every parameter type through `SELECT $1`: the server sees the exact type and value (checked server-side
/// where possible, so a symmetric encode/decode bug cannot hide), and the value decodes back unchanged.
@Suite("Parameter round trips", .requiresDatabase)
struct ParameterRoundTripTests {
    private func roundTrip<T: PostgresEncodable & PostgresDecodable>(_ value: T, _ connection: PostgresConnection) async throws -> T {
        let rows = try await connection.query("SELECT $1 AS value, pg_typeof($1)::text AS type", [value])
        #expect(rows.columnTypes[0] == T.postgresType)
        #expect(try rows[0].decode(String.self, named: "type") == serverTypeName(T.postgresType))
        return try rows[0].decode(T.self, named: "value")
    }

    private func serverTypeName(_ type: PostgresType) -> String {
        switch type {
        case .int8: "bigint"
        case .int4: "integer"
        case .int2: "smallint"
        case .float8: "double precision"
        case .float4: "real"
        case .bool: "boolean"
        case .timestamptz: "timestamp with time zone"
        case .int8Array: "bigint[]"
        case .textArray: "text[]"
        case .float4Array: "real[]"
        default: type.description
        }
    }

    @Test func integers() async throws {
        try await TestDatabase.withSchema { schema in
            try await schema.withConnection { connection in
                for value in [0, 1, -1, Int.max, Int.min, 1 << 40] {
                    #expect(try await roundTrip(value, connection) == value)
                }
                for value in [Int64.max, Int64.min, 42] { #expect(try await roundTrip(value, connection) == value) }
                for value in [Int32.max, Int32.min, -7] { #expect(try await roundTrip(value, connection) == value) }
                for value in [Int16.max, Int16.min, 300] { #expect(try await roundTrip(value, connection) == value) }
                // Server-side arithmetic proves the wire value, not just symmetry.
                let sum = try await connection.query("SELECT $1 + 1, $2 + 1, $3 + 1", [Int(1 << 40), Int32(-8), Int16(299)])
                #expect(try sum[0].decode(Int.self, at: 0) == (1 << 40) + 1)
                #expect(try sum[0].decode(Int32.self, at: 1) == -7)
                #expect(try sum[0].decode(Int.self, at: 2) == 300)
            }
        }
    }

    @Test func floatingPointIncludingSpecialValues() async throws {
        try await TestDatabase.withSchema { schema in
            try await schema.withConnection { connection in
                for value in [0.0, -0.0, 1.5, -.pi, .infinity, -.infinity, .greatestFiniteMagnitude, .leastNonzeroMagnitude] {
                    #expect(try await roundTrip(value, connection).bitPattern == value.bitPattern)
                }
                #expect(try await roundTrip(Double.nan, connection).isNaN)
                for value: Float in [0, -0.0, 3.25, .infinity, -.infinity, .leastNonzeroMagnitude] {
                    #expect(try await roundTrip(value, connection).bitPattern == value.bitPattern)
                }
                #expect(try await roundTrip(Float.nan, connection).isNaN)
                let server = try await connection.query("SELECT $1 * 2, $2 * 2::real", [1.25, Float(0.75)])
                #expect(try server[0].decode(Double.self, at: 0) == 2.5)
                #expect(try server[0].decode(Float.self, at: 1) == 1.5)
            }
        }
    }

    @Test func boolStringBytes() async throws {
        try await TestDatabase.withSchema { schema in
            try await schema.withConnection { connection in
                #expect(try await roundTrip(true, connection) == true)
                #expect(try await roundTrip(false, connection) == false)
                let negated = try await connection.query("SELECT NOT $1", [true])
                #expect(try negated[0].decode(Bool.self, at: 0) == false)

                for text in ["", "plain", "ünïcödé 👗👠 中文", "tab\tnew\nline\r\\back'quote\"double", String(repeating: "x", count: 100_000)] {
                    #expect(try await roundTrip(text, connection) == text)
                }
                let length = try await connection.query("SELECT char_length($1), octet_length($1)", ["👗é"])
                #expect(try length[0].decode(Int.self, at: 0) == 2)
                #expect(try length[0].decode(Int.self, at: 1) == 6)

                let allBytes = [UInt8](0...255)
                #expect(try await roundTrip(allBytes, connection) == allBytes)
                #expect(try await roundTrip([UInt8](), connection) == [])
                #expect(try await roundTrip(Data(allBytes.reversed()), connection) == Data(allBytes.reversed()))
                let hex = try await connection.query("SELECT encode($1, 'hex')", [[UInt8]([0x00, 0xAB, 0xFF])])
                #expect(try hex[0].decode(String.self, at: 0) == "00abff")
            }
        }
    }

    @Test func datesToTheMicrosecond() async throws {
        try await TestDatabase.withSchema { schema in
            try await schema.withConnection { connection in
                // 2021-03-04 05:06:07.123456 UTC and 1969-07-20 20:17:40.000001 UTC (before both epochs).
                let recent = Date(timeIntervalSince1970: 1_614_834_367.123456)
                let moon = Date(timeIntervalSince1970: -14_182_940 + 0.000001)
                for date in [recent, moon, Date(timeIntervalSinceReferenceDate: 0)] {
                    let back = try await roundTrip(date, connection)
                    #expect(back.postgresMicroseconds == date.postgresMicroseconds)
                    #expect(abs(back.timeIntervalSince(date)) < 0.000_001)
                }
                let check = try await connection.query(
                    """
                    SELECT $1 = make_timestamptz(2021, 3, 4, 5, 6, 7.123456, 'UTC'),
                           $2 = make_timestamptz(1969, 7, 20, 20, 17, 40.000001, 'UTC')
                    """, [recent, moon])
                #expect(try check[0].decode(Bool.self, at: 0))
                #expect(try check[0].decode(Bool.self, at: 1))
                // Sub-microsecond parts are rounded to the nearest microsecond.
                let rounded = try await roundTrip(Date(timeIntervalSince1970: 1_614_834_367.1234567), connection)
                #expect(rounded.postgresMicroseconds == recent.postgresMicroseconds + 1)
                #expect(try await roundTrip(Date.distantFuture, connection) == .distantFuture)
                let infinite = try await connection.query("SELECT $1 = 'infinity'::timestamptz", [Date.distantFuture])
                #expect(try infinite[0].decode(Bool.self, at: 0))
            }
        }
    }

    @Test func uuidJSONAndArrays() async throws {
        try await TestDatabase.withSchema { schema in
            try await schema.withConnection { connection in
                let id = UUID(uuidString: "0F1E2D3C-4B5A-6978-8796-A5B4C3D2E1F0")!
                #expect(try await roundTrip(id, connection) == id)
                let text = try await connection.query("SELECT $1::text", [id])
                #expect(try text[0].decode(String.self, at: 0) == "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0")

                let json = PostgresJSON(text: #"{"a": [1, 2, {"b": null}], "s": "x'\"y"}"#)
                #expect(try await roundTrip(json, connection) == json)
                let path = try await connection.query("SELECT $1 -> 'a' ->> 1, $1 ->> 's'", [json])
                #expect(try path[0].decode(String.self, at: 0) == "2")
                #expect(try path[0].decode(String.self, at: 1) == "x'\"y")
                struct Meta: Codable, Equatable { var colour: String; var sizes: [Int] }
                let encoded = try PostgresJSON(encoding: Meta(colour: "red", sizes: [36, 38]))
                #expect(try await roundTrip(encoded, connection).decode(Meta.self) == Meta(colour: "red", sizes: [36, 38]))

                #expect(try await roundTrip([1, -2, Int.max], connection) == [1, -2, Int.max])
                #expect(try await roundTrip([Int](), connection) == [])
                #expect(try await roundTrip(["a", "b'c", ""], connection) == ["a", "b'c", ""])
                #expect(try await roundTrip([Float(1.5), -0.0], connection).map(\.bitPattern) == [Float(1.5).bitPattern, Float(-0.0).bitPattern])
                let any = try await connection.query("SELECT 3 = ANY($1), array_length($1, 1)", [[1, 2, 3]])
                #expect(try any[0].decode(Bool.self, at: 0))
                #expect(try any[0].decode(Int.self, at: 1) == 3)
                let int4 = try await connection.query("SELECT ARRAY[1, 2, 3]::int4[], ARRAY[7]::int2[], '{}'::int4[]")
                #expect(try int4[0].decode([Int].self, at: 0) == [1, 2, 3])
                #expect(try int4[0].decode([Int].self, at: 1) == [7])
                #expect(try int4[0].decode([Int].self, at: 2) == [])
            }
        }
    }

    @Test func float32VectorsKeepExactBitPatterns() async throws {
        try await TestDatabase.withSchema { schema in
            try await schema.withConnection { connection in
                let values: [Float] = [0, -0.0, .nan, .signalingNaNWithPayload, .infinity, -.infinity, 1.5, -2.25,
                                       .leastNonzeroMagnitude, .greatestFiniteMagnitude, .ulpOfOne]
                let vector = Float32Vector(values)
                let back = try await roundTrip(vector, connection)
                #expect(back.values.map(\.bitPattern) == values.map(\.bitPattern))
                // The stored bytes are little-endian float32s, 4 bytes each.
                let stored = try await connection.query("SELECT encode($1, 'hex'), octet_length($1)", [vector])
                let expectedHex = values.flatMap { value -> [UInt8] in
                    let bits = value.bitPattern
                    return [UInt8(bits & 0xFF), UInt8(bits >> 8 & 0xFF), UInt8(bits >> 16 & 0xFF), UInt8(bits >> 24)]
                }.map { String(format: "%02x", $0) }.joined()
                #expect(try stored[0].decode(String.self, at: 0) == expectedHex)
                #expect(try stored[0].decode(Int.self, at: 1) == values.count * 4)
                #expect(try await roundTrip(Float32Vector([]), connection).values.isEmpty)
            }
        }
    }

    @Test func nullForEveryType() async throws {
        try await TestDatabase.withSchema { schema in
            try await schema.withConnection { connection in
                let row = try await connection.query(
                    """
                    SELECT $1::int8, $2::int4, $3::int2, $4::float8, $5::float4, $6::bool, $7::text, $8::bytea,
                           $9::timestamptz, $10::uuid, $11::jsonb, $12::int8[], $13::bytea
                    """,
                    Array(repeating: nil, count: 13)
                )[0]
                #expect(try row.decode(Int?.self, at: 0) == nil)
                #expect(try row.decode(Int32?.self, at: 1) == nil)
                #expect(try row.decode(Int16?.self, at: 2) == nil)
                #expect(try row.decode(Double?.self, at: 3) == nil)
                #expect(try row.decode(Float?.self, at: 4) == nil)
                #expect(try row.decode(Bool?.self, at: 5) == nil)
                #expect(try row.decode(String?.self, at: 6) == nil)
                #expect(try row.decode([UInt8]?.self, at: 7) == nil)
                #expect(try row.decode(Date?.self, at: 8) == nil)
                #expect(try row.decode(UUID?.self, at: 9) == nil)
                #expect(try row.decode(PostgresJSON?.self, at: 10) == nil)
                #expect(try row.decode([Int]?.self, at: 11) == nil)
                #expect(try row.decode(Float32Vector?.self, at: 12) == nil)
                for column in 0..<13 { #expect(row.isNull(at: column)) }

                // Optionals work as parameters: nil is NULL, a value is sent as its wrapped type.
                let title: String? = nil
                let size: Int? = 38
                let optional = try await connection.query("SELECT $1::text IS NULL, $2", [title, size])
                #expect(try optional[0].decode(Bool.self, at: 0))
                #expect(try optional[0].decode(Int?.self, at: 1) == 38)
            }
        }
    }

    @Test func narrowerColumnsWidenOnDecode() async throws {
        try await TestDatabase.withSchema { schema in
            try await schema.withConnection { connection in
                let row = try await connection.query(
                    "SELECT 1::int2 AS a, 2::int4 AS b, 3.5::float4 AS c, 'x'::varchar AS d, 'y'::bpchar AS e, 'n'::name AS f, '{\"k\":1}'::json AS g"
                )[0]
                #expect(try row.decode(Int.self, named: "a") == 1)
                #expect(try row.decode(Int.self, named: "b") == 2)
                #expect(try row.decode(Int64.self, named: "b") == 2)
                #expect(try row.decode(Int32.self, named: "a") == 1)
                #expect(try row.decode(Double.self, named: "c") == 3.5)
                #expect(try row.decode(String.self, named: "d") == "x")
                #expect(try row.decode(String.self, named: "e") == "y")
                #expect(try row.decode(String.self, named: "f") == "n")
                #expect(try row.decode(PostgresJSON.self, named: "g").text == #"{"k":1}"#)
            }
        }
    }
}
