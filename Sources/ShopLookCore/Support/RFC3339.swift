import Foundation

/// RFC 3339 `date-time` parsing and formatting, without `DateFormatter` (so it is
/// `Sendable`, locale-independent and strict).
///
/// Formatting always produces UTC with millisecond precision:
/// `2024-05-01T12:34:56.789Z`. Parsing accepts any valid RFC 3339 `date-time`
/// (`T`/`t`, `Z`/`z` or a numeric offset, optional fraction of any length,
/// leap second `:60` only at 23:59 UTC) whose instant formatting can write back: the instant
/// is rounded to the millisecond (half up, as formatting rounds) and must lie in the years
/// 0000–9999 UTC. So a date read from a message is exactly the one its re-encoding carries
/// (`.1234Z` reads as `.123Z`; `9999-12-31T23:59:59.9999Z` and `0000-01-01T00:00:00+01:00`
/// are refused, since neither can be written).
public enum RFC3339 {
    /// The first and last millisecond formatting can write: 0000-01-01T00:00:00.000Z and 9999-12-31T23:59:59.999Z.
    static let writableMilliseconds: ClosedRange<Int64> = -62_167_219_200_000...253_402_300_799_999

    /// Formats `date` as `YYYY-MM-DDTHH:MM:SS.sssZ` (UTC, milliseconds, rounded to nearest).
    ///
    /// Dates outside years 0000–9999 cannot be written in RFC 3339; they are formatted as
    /// `invalid-date(<seconds since 1970>)` so that schema validation rejects them loudly.
    public static func string(from date: Date) -> String {
        let interval = date.timeIntervalSince1970
        // The loose bounds first (a huge interval would trap converting to Int64), then the exact ones on the rounded
        // milliseconds: 9999-12-31T23:59:59.9996 rounds into the year 10000.
        guard interval.isFinite, interval > -62_167_219_201, interval < 253_402_300_801,
              case let totalMilliseconds = Int64((interval * 1000).rounded()), writableMilliseconds.contains(totalMilliseconds)
        else {
            return "invalid-date(\(interval))"
        }
        let (seconds, milliseconds) = floorDivide(totalMilliseconds, 1000)
        let (days, secondOfDay) = floorDivide(seconds, 86_400)
        let (year, month, day) = civilDate(fromDaysSinceEpoch: days)
        return pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2)
            + "T" + pad(secondOfDay / 3600, 2) + ":" + pad(secondOfDay / 60 % 60, 2) + ":" + pad(secondOfDay % 60, 2)
            + "." + pad(milliseconds, 3) + "Z"
    }

    /// Parses an RFC 3339 `date-time`, or returns `nil` if `text` is not one.
    public static func date(from text: String) -> Date? {
        guard let parts = Components(text) else { return nil }
        return parts.date
    }

    /// Whether `text` is a valid RFC 3339 `date-time` (the JSON Schema `date-time` format).
    public static func isValid(_ text: String) -> Bool {
        Components(text) != nil
    }

    // MARK: - Parsing

    private struct Components {
        /// The instant in whole milliseconds since 1970, rounded half up from the fraction's further digits.
        var milliseconds: Int64 = 0

        var date: Date { Date(timeIntervalSince1970: Double(milliseconds) / 1000) }

        init?(_ text: String) {
            let s = Array(text.utf8)
            var i = 0
            func number(_ width: Int) -> Int? {
                guard i + width <= s.count else { return nil }
                var value = 0
                for c in s[i..<(i + width)] {
                    guard c >= UInt8(ascii: "0"), c <= UInt8(ascii: "9") else { return nil }
                    value = value * 10 + Int(c - UInt8(ascii: "0"))
                }
                i += width
                return value
            }
            func expect(_ options: Character...) -> Bool {
                guard i < s.count, options.contains(Character(Unicode.Scalar(s[i]))) else { return false }
                i += 1
                return true
            }

            guard let year = number(4), expect("-"), let month = number(2), expect("-"), let day = number(2),
                  expect("T", "t"),
                  let hour = number(2), expect(":"), let minute = number(2), expect(":"), let second = number(2)
            else { return nil }
            var fractionDigits: [UInt8] = []
            if i < s.count, s[i] == UInt8(ascii: ".") {
                i += 1
                while i < s.count, s[i] >= UInt8(ascii: "0"), s[i] <= UInt8(ascii: "9") {
                    fractionDigits.append(s[i])
                    i += 1
                }
                guard !fractionDigits.isEmpty else { return nil }
            }
            var offsetMinutes = 0
            if expect("Z", "z") {
                offsetMinutes = 0
            } else if i < s.count, s[i] == UInt8(ascii: "+") || s[i] == UInt8(ascii: "-") {
                let sign = s[i] == UInt8(ascii: "-") ? -1 : 1
                i += 1
                guard let offsetHour = number(2), expect(":"), let offsetMinute = number(2),
                      offsetHour <= 23, offsetMinute <= 59 else { return nil }
                offsetMinutes = sign * (offsetHour * 60 + offsetMinute)
            } else {
                return nil
            }
            guard i == s.count,
                  (1...12).contains(month), (1...RFC3339.daysIn(month: month, year: year)).contains(day),
                  hour <= 23, minute <= 59, second <= 60 else { return nil }

            let minuteOfDayUTC = ((hour * 60 + minute - offsetMinutes) % 1440 + 1440) % 1440
            if second == 60, minuteOfDayUTC != 23 * 60 + 59 { return nil }

            let days = RFC3339.daysSinceEpoch(year: year, month: month, day: day)
            let epochSeconds = days * 86_400 + Int64(hour * 3600 + minute * 60 + second) - Int64(offsetMinutes * 60)
            let digit = { (index: Int) -> Int64 in index < fractionDigits.count ? Int64(fractionDigits[index] - UInt8(ascii: "0")) : 0 }
            let roundsUp = digit(3) >= 5
            milliseconds = epochSeconds * 1000 + digit(0) * 100 + digit(1) * 10 + digit(2) + (roundsUp ? 1 : 0)
            guard RFC3339.writableMilliseconds.contains(milliseconds) else { return nil }
        }
    }

    // MARK: - Calendar arithmetic (proleptic Gregorian)

    static func isLeapYear(_ year: Int) -> Bool {
        year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days from 1970-01-01 to the given date.
    static func daysSinceEpoch(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let shiftedMonth = Int64(month > 2 ? month - 3 : month + 9)
        let dayOfYear = (153 * shiftedMonth + 2) / 5 + Int64(day) - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The calendar date `days` days after 1970-01-01.
    static func civilDate(fromDaysSinceEpoch days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    private static func floorDivide(_ a: Int64, _ b: Int64) -> (quotient: Int64, remainder: Int64) {
        let q = a >= 0 ? a / b : -((-a + b - 1) / b)
        return (q, a - q * b)
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
