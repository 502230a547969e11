import ShopLookCore
import ShopLookTestSupport
import Testing

@Suite("SHA-256 against the server", .requiresDatabase)
struct ServerSHA256Tests {
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
}
