import Foundation

/// UTC time as milliseconds since the Unix epoch: the one representation of instants that the store,
/// the rules and the wire formats share (DESIGN §4).
public typealias EpochMillis = Int64

/// Reads the wall clock. Injected wherever time matters, so that tests can supply their own.
public protocol WallClock: Sendable {
    func now() -> EpochMillis
}

/// The system's real-time clock.
public struct SystemWallClock: WallClock {
    public init() {}
    public func now() -> EpochMillis {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return EpochMillis(spec.tv_sec) * 1000 + EpochMillis(spec.tv_nsec / 1_000_000)
    }
}

/// RFC 3339 timestamps, the only text form of time in outputs: UTC with milliseconds,
/// `2026-11-27T08:00:00.123Z`.
public enum RFC3339 {
    /// Formats an instant as `YYYY-MM-DDTHH:MM:SS.mmmZ`.
    public static func format(_ millis: EpochMillis) -> String {
        var seconds = time_t(millis.floorDiv(1000))
        let ms = Int(millis - Int64(seconds) * 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        let year = Int(parts.tm_year) + 1900
        guard (0...9999).contains(year) else {
            return String(
                format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", year, Int(parts.tm_mon) + 1, Int(parts.tm_mday),
                Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), ms)
        }
        // Digits written into a fixed buffer: `String(format:)` cost 28 % of the API's CPU when
        // listing readings (two timestamps per row; bench/api).
        return String(unsafeUninitializedCapacity: 24) { buffer in
            func put(_ value: Int, _ width: Int, at offset: Int) {
                var rest = value
                for index in stride(from: offset + width - 1, through: offset, by: -1) {
                    buffer[index] = UInt8(ascii: "0") + UInt8(rest % 10)
                    rest /= 10
                }
            }
            put(year, 4, at: 0)
            buffer[4] = UInt8(ascii: "-")
            put(Int(parts.tm_mon) + 1, 2, at: 5)
            buffer[7] = UInt8(ascii: "-")
            put(Int(parts.tm_mday), 2, at: 8)
            buffer[10] = UInt8(ascii: "T")
            put(Int(parts.tm_hour), 2, at: 11)
            buffer[13] = UInt8(ascii: ":")
            put(Int(parts.tm_min), 2, at: 14)
            buffer[16] = UInt8(ascii: ":")
            put(Int(parts.tm_sec), 2, at: 17)
            buffer[19] = UInt8(ascii: ".")
            put(ms, 3, at: 20)
            buffer[23] = UInt8(ascii: "Z")
            return 24
        }
    }

    /// Parses an RFC 3339 / ISO 8601 date-time with an offset (`Z` or `±HH:MM`), with or without
    /// fractional seconds. Returns `nil` for anything else, including a date-time without an offset,
    /// whose meaning would depend on the machine's time zone.
    public static func parse(_ text: String) -> EpochMillis? {
        if let millis = parseCommonShape(text) { return millis }
        let withFraction = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        let withoutFraction = Date.ISO8601FormatStyle()
        guard let date = (try? withFraction.parse(text)) ?? (try? withoutFraction.parse(text)) else {
            return nil
        }
        let millis = (date.timeIntervalSince1970 * 1000).rounded()
        guard millis.isFinite, abs(millis) < 9.0e15 else { return nil }
        return EpochMillis(millis)
    }
}

extension RFC3339 {
    /// The shape nearly every device sends, `YYYY-MM-DDTHH:MM:SS[.fff…](Z|±HH:MM)`, parsed from the
    /// bytes: ~1 µs per call through Foundation's format style was the bottleneck of a CSV export
    /// with a timestamp per row. Returns `nil` for anything else, which then takes the general path.
    static func parseCommonShape(_ text: String) -> EpochMillis? {
        var text = text
        return text.withUTF8 { b -> EpochMillis? in
            guard b.count >= 20, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"),
                b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: "t"),
                b[13] == UInt8(ascii: ":"), b[16] == UInt8(ascii: ":")
            else { return nil }
            func number(_ from: Int, _ count: Int) -> Int? {
                var value = 0
                for i in from..<(from + count) {
                    let digit = Int(b[i]) - 48
                    guard (0...9).contains(digit) else { return nil }
                    value = value * 10 + digit
                }
                return value
            }
            guard let year = number(0, 4), let month = number(5, 2), let day = number(8, 2),
                let hour = number(11, 2), let minute = number(14, 2), let second = number(17, 2),
                (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day),
                hour < 24, minute < 60, second < 60
            else { return nil }
            var index = 19
            var millis = 0
            if b[index] == UInt8(ascii: ".") {
                index += 1
                var digits = 0
                while index < b.count, (48...57).contains(b[index]) {
                    if digits < 3 { millis = millis * 10 + Int(b[index]) - 48 }
                    digits += 1
                    index += 1
                }
                guard digits > 0 else { return nil }
                if digits < 3 { for _ in digits..<3 { millis *= 10 } }
            }
            guard index < b.count else { return nil }
            var offsetMinutes = 0
            switch b[index] {
            case UInt8(ascii: "Z"), UInt8(ascii: "z"):
                index += 1
            case UInt8(ascii: "+"), UInt8(ascii: "-"):
                guard index + 6 == b.count, b[index + 3] == UInt8(ascii: ":"),
                    let h = number(index + 1, 2), let m = number(index + 4, 2), h < 24, m < 60
                else { return nil }
                offsetMinutes = (h * 60 + m) * (b[index] == UInt8(ascii: "-") ? -1 : 1)
                index += 6
            default:
                return nil
            }
            guard index == b.count else { return nil }
            let days = daysFromCivil(year: year, month: month, day: day)
            let seconds = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second) - Int64(offsetMinutes * 60)
            return seconds * 1000 + Int64(millis)
        }
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}

extension Int64 {
    /// Division rounding toward negative infinity, so that instants before 1970 format correctly.
    @inlinable func floorDiv(_ divisor: Int64) -> Int64 {
        let q = self / divisor
        return (self % divisor < 0) ? q - 1 : q
    }
}
