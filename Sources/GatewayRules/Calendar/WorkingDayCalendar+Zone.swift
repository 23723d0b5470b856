import Foundation
import GatewayCore

extension WorkingDayCalendar {
    /// Local ↔ UTC conversion for a `TimestampZone`, with the gap and overlap rules the working-day
    /// calendar documents: a local time inside a daylight-saving gap takes the offset in force before
    /// the gap; a local time that occurs twice is its first (earlier) occurrence.
    ///
    /// Named zones use Foundation's `TimeZone` (the system's tz database). A name the system does not
    /// know is read as UTC — `TimestampZone(parsing:)` never produces one; validation is the
    /// configuration's job.
    struct Zone: Sendable {
        private let fixedOffsetSeconds: Int?
        private let timeZone: TimeZone?

        init(_ zone: TimestampZone) {
            switch zone {
            case .fixed(let seconds):
                fixedOffsetSeconds = seconds
                timeZone = nil
            case .named(let name):
                fixedOffsetSeconds = nil
                timeZone = TimeZone(identifier: name)
            }
        }

        /// Seconds east of UTC in force at a UTC instant.
        func offsetSeconds(atUTC instant: EpochMillis) -> Int {
            if let fixedOffsetSeconds { return fixedOffsetSeconds }
            guard let timeZone else { return 0 }
            return timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(instant) / 1000))
        }

        /// The local wall-clock reading of an instant, as milliseconds since 1970 "as if UTC".
        func localMillis(fromUTC instant: EpochMillis) -> EpochMillis {
            instant + EpochMillis(offsetSeconds(atUTC: instant)) * 1000
        }

        /// The instant of a local wall-clock reading given as milliseconds since 1970 "as if UTC".
        func utcMillis(fromLocal local: EpochMillis) -> EpochMillis {
            if let fixedOffsetSeconds { return local - EpochMillis(fixedOffsetSeconds) * 1000 }
            let day = WorkingDayCalendar.millisPerDay
            let before = offsetSeconds(atUTC: local - day)
            let after = offsetSeconds(atUTC: local + day)
            let valid = Set([before, after]).filter { offsetSeconds(atUTC: local - EpochMillis($0) * 1000) == $0 }
            if let largest = valid.max() {
                return local - EpochMillis(largest) * 1000  // the larger offset is the earlier instant
            }
            return local - EpochMillis(before) * 1000  // in a gap
        }
    }
}
