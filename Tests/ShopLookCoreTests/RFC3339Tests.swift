import Foundation
import ShopLookCore
import Testing

@Suite("RFC 3339 dates")
struct RFC3339Tests {
    @Test("formats UTC with milliseconds")
    func formats() {
        #expect(RFC3339.string(from: Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000Z")
        #expect(RFC3339.string(from: sampleDate) == "2024-05-01T12:00:00.500Z")
        #expect(RFC3339.string(from: Date(timeIntervalSince1970: 951_782_400.123)) == "2000-02-29T00:00:00.123Z")
        #expect(RFC3339.string(from: Date(timeIntervalSince1970: -0.001)) == "1969-12-31T23:59:59.999Z")
    }

    @Test("parses offsets, fractions and lowercase separators")
    func parses() {
        #expect(RFC3339.date(from: "2024-05-01T12:00:00.500Z") == sampleDate)
        #expect(RFC3339.date(from: "2024-05-01T14:00:00.5+02:00") == sampleDate)
        #expect(RFC3339.date(from: "2024-05-01t07:30:00.500-04:30") == sampleDate)
        #expect(RFC3339.date(from: "2024-05-01T12:00:00z") == Date(timeIntervalSince1970: 1_714_564_800))
        #expect(RFC3339.date(from: "1998-12-31T23:59:60Z") != nil)
        #expect(RFC3339.date(from: "1998-12-31T15:59:60-08:00") != nil)
    }

    @Test("millisecond dates survive a format/parse round trip exactly")
    func roundTrip() {
        for milliseconds in [0, 1, 999, 1_714_564_800_123, 4_102_444_799_999, -1] {
            let date = Date(timeIntervalSince1970: Double(milliseconds) / 1000)
            #expect(RFC3339.date(from: RFC3339.string(from: date)) == date, "\(milliseconds) ms")
        }
    }

    @Test("rejects invalid date-times", arguments: [
        "2024-05-01", "2024-05-01T12:00:00", "2024-05-01 12:00:00Z", "2024-13-01T00:00:00Z",
        "2023-02-29T00:00:00Z", "2024-04-31T00:00:00Z", "2024-05-01T24:00:00Z", "2024-05-01T12:60:00Z",
        "2024-05-01T12:00:00.Z", "2024-05-01T12:00:00+0200", "2024-05-01T12:00:00+24:00",
        "1998-12-31T22:59:60Z", "24-05-01T12:00:00Z", "2024-05-01T12:00:00Z ", "yesterday",
    ])
    func rejects(text: String) {
        #expect(!RFC3339.isValid(text))
        #expect(RFC3339.date(from: text) == nil)
    }

    @Test("dates RFC 3339 cannot express produce a string that fails validation")
    func outOfRange() {
        for date in [Date(timeIntervalSince1970: 1e12), Date(timeIntervalSince1970: -1e12), Date(timeIntervalSince1970: .nan)] {
            let text = RFC3339.string(from: date)
            #expect(text.hasPrefix("invalid-date("))
            #expect(!RFC3339.isValid(text))
        }
        #expect(RFC3339.string(from: Date(timeIntervalSince1970: 253_402_300_799)) == "9999-12-31T23:59:59.000Z")
        #expect(RFC3339.string(from: Date(timeIntervalSince1970: -62_167_219_200)) == "0000-01-01T00:00:00.000Z")
    }

    @Test("a fraction beyond the millisecond rounds half up, so a parsed date formats back to itself")
    func roundsToTheMillisecond() throws {
        let noon = 1_714_564_800_000 as Int64  // 2024-05-01T12:00:00Z
        for (text, milliseconds) in [
            ("2024-05-01T12:00:00.1234Z", noon + 123), ("2024-05-01T12:00:00.1235Z", noon + 124),
            ("2024-05-01T12:00:00.9995Z", noon + 1000), ("2024-05-01T12:00:00.000000001Z", noon),
            ("1969-12-31T23:59:59.9995Z", 0), ("2024-05-01T13:00:00.12345+01:00", noon + 123),
        ] {
            let date = try #require(RFC3339.date(from: text))
            #expect(date == Date(timeIntervalSince1970: Double(milliseconds) / 1000), "\(text)")
            #expect(RFC3339.date(from: RFC3339.string(from: date)) == date, "\(text)")
        }
    }

    @Test("instants formatting cannot write are refused, however they are written", arguments: [
        "9999-12-31T23:59:59.9995Z", "9999-12-31T23:30:00-01:00", "0000-01-01T00:30:00+01:00",
    ])
    func refusesUnwritableInstants(text: String) {
        #expect(!RFC3339.isValid(text))
        #expect(RFC3339.date(from: text) == nil)
    }

    @Test("the first and last writable milliseconds are accepted, and nothing rounds past them")
    func writableBounds() {
        #expect(RFC3339.isValid("9999-12-31T23:59:59.9994Z") && RFC3339.isValid("0000-01-01T00:00:00Z"))
        #expect(RFC3339.string(from: Date(timeIntervalSince1970: 253_402_300_799.999)) == "9999-12-31T23:59:59.999Z")
        #expect(RFC3339.string(from: Date(timeIntervalSince1970: 253_402_300_799.9996)).hasPrefix("invalid-date("))
    }

    @Test("accepts Feb 29 in leap years")
    func leapYears() {
        #expect(RFC3339.isValid("2024-02-29T00:00:00Z"))
        #expect(RFC3339.isValid("2000-02-29T00:00:00Z"))
        #expect(!RFC3339.isValid("1900-02-29T00:00:00Z"))
    }
}
