import Foundation

/// The zone of a clock that writes local date-times without an offset: a fixed offset (`+08:00`,
/// `UTC`) or an IANA zone (`Asia/Shanghai`, `Europe/Berlin`), whose offset — daylight saving
/// included — is looked up for each instant from the system's time zone database.
public enum TimestampZone: Sendable, Hashable, CustomStringConvertible {
    case fixed(offsetSeconds: Int)
    case named(String)

    public init?(parsing text: String) {
        if text == "UTC" || text == "Z" {
            self = .fixed(offsetSeconds: 0)
        } else if text.count == 6, let sign = text.first, sign == "+" || sign == "-",
            text[text.index(text.startIndex, offsetBy: 3)] == ":",
            let hours = Int(text.dropFirst().prefix(2)), let minutes = Int(text.suffix(2)), hours < 24, minutes < 60
        {
            self = .fixed(offsetSeconds: (hours * 3600 + minutes * 60) * (sign == "-" ? -1 : 1))
        } else if TimeZone(identifier: text) != nil, text.contains("/") {
            self = .named(text)
        } else {
            return nil
        }
    }

    public var description: String {
        switch self {
        case .fixed(let seconds):
            seconds == 0 ? "UTC" : String(format: "%@%02d:%02d", seconds < 0 ? "-" : "+", abs(seconds) / 3600, abs(seconds) % 3600 / 60)
        case .named(let name): name
        }
    }

    /// The UTC instant of a local wall-clock time given as milliseconds since 1970 "as if UTC".
    /// In a gap or overlap of daylight saving the offset in force just before is used.
    public func utcMillis(fromLocal local: EpochMillis) -> EpochMillis {
        switch self {
        case .fixed(let seconds):
            return local - EpochMillis(seconds) * 1000
        case .named(let name):
            guard let zone = TimeZone(identifier: name) else { return local }
            let guess = Date(timeIntervalSince1970: Double(local) / 1000)
            let offset = zone.secondsFromGMT(for: guess.addingTimeInterval(-Double(zone.secondsFromGMT(for: guess))))
            return local - EpochMillis(offset) * 1000
        }
    }
}

extension RFC3339 {
    /// Parses `YYYY-MM-DD HH:MM:SS[.fff]` or `YYYY-MM-DDTHH:MM:SS[.fff]` without an offset, as the
    /// milliseconds since 1970 the same wall-clock reading would be in UTC.
    public static func parseLocalDateTime(_ text: String) -> EpochMillis? {
        guard text.utf8.count >= 19 else { return nil }
        var normalized = Array(text.utf8)
        if normalized[10] == UInt8(ascii: " ") { normalized[10] = UInt8(ascii: "T") }
        normalized.append(UInt8(ascii: "Z"))
        return parseCommonShape(String(decoding: normalized, as: UTF8.self))
    }
}
