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
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
            Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday),
            Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), ms)
    }

    /// Parses an RFC 3339 / ISO 8601 date-time with an offset (`Z` or `±HH:MM`), with or without
    /// fractional seconds. Returns `nil` for anything else, including a date-time without an offset,
    /// whose meaning would depend on the machine's time zone.
    public static func parse(_ text: String) -> EpochMillis? {
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

extension Int64 {
    /// Division rounding toward negative infinity, so that instants before 1970 format correctly.
    @inlinable func floorDiv(_ divisor: Int64) -> Int64 {
        let q = self / divisor
        return (self % divisor < 0) ? q - 1 : q
    }
}
