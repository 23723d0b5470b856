import ArgumentParser
import GatewayCore

/// A point in time as operators type it: a duration back from now (`1h`, `30m`, `7d`) or an
/// RFC 3339 timestamp (`2026-11-27T08:00:00Z`).
struct TimeArgument: ExpressibleByArgument {
    let millis: EpochMillis

    init?(argument: String) {
        if let seconds = DurationText.seconds(argument) {
            millis = SystemWallClock().now() - EpochMillis(seconds * 1000)
        } else if let instant = RFC3339.parse(argument) {
            millis = instant
        } else {
            return nil
        }
    }

    static var defaultValueDescription: String { "a duration back from now (1h, 30m, 7d) or an RFC 3339 time" }
}
