import Testing
import ShopLookPostgres

@Suite("Error classification")
struct PostgresErrorTests {
    @Test func retriableClassification() {
        func server(_ state: String) -> PostgresError { PostgresError(kind: .server, message: "x", sqlState: state) }
        for state in ["08006", "08000", "40001", "40P01", "57P01", "57P02", "57P03", "53300"] {
            #expect(server(state).isRetriable, "\(state)")
        }
        for state in ["23505", "42601", "22012", "25P02", "42P01"] {
            #expect(!server(state).isRetriable, "\(state)")
        }
        #expect(PostgresError(kind: .connection, message: "lost").isRetriable)
        #expect(PostgresError(kind: .timeout, message: "slow").isRetriable)
        #expect(!PostgresError(kind: .decoding, message: "bad").isRetriable)
        #expect(!PostgresError(kind: .configuration, message: "bad").isRetriable)
        let error = server("40P01")
        #expect(error.description.contains("40P01 (deadlock_detected)"))
        #expect(error.file.hasSuffix("ErrorTests.swift"))
    }
}
