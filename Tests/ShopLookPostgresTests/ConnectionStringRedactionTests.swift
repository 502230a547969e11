import ShopLookPostgres
import Testing

/// A connection string libpq cannot parse never brings its password into the error (which is logged).
@Suite("Passwords in invalid connection strings")
struct ConnectionStringRedactionTests {
    static let password = "Sw0rdfish-pw"

    /// Each string holds the password (or its words) and makes libpq echo part of itself.
    static let invalid = [
        "postgres://shop:\(password)%ZZ@127.0.0.1/shoplook",     // invalid percent-encoded token: "<password>%ZZ"
        "postgres://shop:\(password)@[127.0.0.1/shoplook",       // the unterminated IPv6 host repeats the whole URL
        "postgresql://shop:\(password)@127.0.0.1/shoplook?password=\(password)&bogus=1",
        "host=127.0.0.1 password=\(password) stray",             // missing "=" after "stray"
        "host=127.0.0.1 password=Sw0rd fish-pw",                 // missing "=" after "fish-pw"
        "host=127.0.0.1 password='\(password)",                  // unterminated quoted string
    ]

    @Test(arguments: invalid)
    func theErrorNamesTheProblemWithoutThePassword(_ string: String) throws {
        let error = #expect(throws: PostgresError.self) { try PostgresConfiguration(string) }
        let text = "\(try #require(error))"
        #expect(text.contains("invalid connection string"), "\(text)")
        for fragment in [Self.password, "Sw0rd", "fish-pw", "Sw0rdfish"] {
            #expect(!text.contains(fragment), "\(text)")
        }
    }

    @Test func aValidStringIsDescribedWithoutItsPassword() throws {
        let configuration = try PostgresConfiguration("postgres://shop:\(Self.password)@127.0.0.1:5432/shoplook")
        #expect(!"\(configuration)".contains(Self.password))
        #expect(configuration.parameters["password"] == nil)
        #expect(configuration.user == "shop")
    }

    @Test func theErrorStillSaysWhatIsWrong() throws {
        let error = #expect(throws: PostgresError.self) { try PostgresConfiguration("postgres://shop:pw%ZZ@127.0.0.1/db") }
        #expect("\(try #require(error))".contains("invalid percent-encoded token"))
    }
}
