import Foundation
import GatewayCore

/// How numbers, sizes, durations and instants read for people — on the status page and in
/// `utility-gatewayctl status`: in fixed, locale-free forms (the same whatever the server's
/// locale), short enough for a phone.
public enum HumanFormat {
    /// A count with thousands separators: `1,234,567`.
    public static func count(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var out = value < 0 ? "-" : ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(digit)
        }
        return out
    }

    /// A rate per second, with as many decimals as make sense for its size: `0.42`, `12.5`, `1,234`.
    public static func rate(_ value: Double) -> String {
        guard value.isFinite else { return "–" }
        switch abs(value) {
        case ..<10: return String(format: "%.2f", value)
        case ..<100: return String(format: "%.1f", value)
        case ..<9.0e15: return count(Int(value.rounded()))
        default: return String(format: "%.3g", value)
        }
    }

    /// A reading's value to about four significant digits and at most three decimals, so that a
    /// value keeps its width from one refresh to the next: `231.4`, `12.73`, `3.421`, `0.820`.
    public static func value(_ value: Double) -> String {
        guard value.isFinite else { return "–" }
        let magnitude = abs(value)
        if magnitude >= 1.0e9 { return String(format: "%.4g", value) }
        if magnitude > 0, magnitude < 0.01 { return String(format: "%.3g", value) }
        let decimals = magnitude < 1 ? 3 : max(0, min(3, 3 - Int(log10(magnitude).rounded(.down))))
        let text = String(format: "%.\(decimals)f", value)
        return text.hasPrefix("-") && Double(text) == 0 ? String(text.dropFirst()) : text
    }

    /// A canonical unit symbol as people write it (`m3/h` → `m³/h`, `degC` → `°C`); the ratio unit
    /// `1` shows as nothing.
    public static func unit(_ symbol: String) -> String {
        switch symbol {
        case "1": ""
        case "degC": "°C"
        case "m3": "m³"
        case "m3/h": "m³/h"
        default: symbol.replacingOccurrences(of: "m3", with: "m³")
        }
    }

    /// A size in bytes with binary prefixes: `512 B`, `12.3 MiB`.
    public static func bytes(_ value: Int64) -> String {
        if value < 1024 { return "\(value) B" }
        var scaled = Double(value)
        for prefix in ["KiB", "MiB", "GiB", "TiB", "PiB"] {
            scaled /= 1024
            if scaled < 1024 || prefix == "PiB" { return String(format: "%.1f", scaled) + " " + prefix }
        }
        return "\(value) B"
    }

    /// A duration in its two largest units: `42 s`, `12 min 5 s`, `4 h 12 min`, `3 d 4 h`.
    public static func duration(seconds: Double) -> String {
        guard seconds.isFinite else { return "–" }
        let total = Int(max(0, seconds).rounded(.down))
        let (days, hours, minutes, secs) = (total / 86_400, total % 86_400 / 3600, total % 3600 / 60, total % 60)
        if days > 0 { return "\(days) d \(hours) h" }
        if hours > 0 { return "\(hours) h \(minutes) min" }
        if minutes > 0 { return "\(minutes) min \(secs) s" }
        return "\(secs) s"
    }

    /// How long before `now` an instant was, in its largest unit: `12 s ago`, `4 min ago`, `in 3 s`
    /// (a clock ahead of ours).
    public static func age(of instant: EpochMillis, now: EpochMillis) -> String {
        let seconds = (now - instant) / 1000
        if seconds < 0 { return "in \(largestUnit(-seconds))" }
        if seconds == 0 { return "just now" }
        return "\(largestUnit(seconds)) ago"
    }

    private static func largestUnit(_ seconds: Int64) -> String {
        switch seconds {
        case ..<60: "\(seconds) s"
        case ..<3600: "\(seconds / 60) min"
        case ..<86_400: "\(seconds / 3600) h"
        default: "\(seconds / 86_400) d"
        }
    }

    /// An instant in UTC to the second, for people: `2026-11-27 08:00:00 UTC`.
    public static func utc(_ instant: EpochMillis) -> String {
        let text = RFC3339.format(instant)
        return "\(text.prefix(10)) \(text.dropFirst(11).prefix(8)) UTC"
    }

    /// A time of day in UTC, `08:00:12`, or with the date in front when it is not `now`'s date:
    /// `11-26 23:59:01`.
    public static func shortUTC(_ instant: EpochMillis, now: EpochMillis) -> String {
        let text = RFC3339.format(instant)
        let time = String(text.dropFirst(11).prefix(8))
        if text.prefix(10) == RFC3339.format(now).prefix(10) { return time }
        return "\(text.dropFirst(5).prefix(5)) \(time)"
    }
}
