import GatewayCore

/// The working-day calendar that `wd` ticket deadlines are counted on, built once from the
/// configured `WorkCalendar` (`calendar:`).
///
/// **Working days.** A date is a working day when it is listed in `extra_workdays` (a make-up day
/// worked to bridge a holiday, usually a Saturday or Sunday); otherwise when it is not listed in
/// `holidays` and its ISO weekday is one of `workdays`. A date listed as both a holiday and an
/// extra working day is a configuration contradiction that validation should report; here the
/// holiday wins (the lenient reading: no deadline falls due on a day the desk may be closed).
/// Dates that do not parse as `YYYY-MM-DD` are ignored — validating them is the configuration's job.
///
/// **Deadlines** (`deadline(from:adding:)`), all in the calendar's zone:
/// - `.duration(ms)` is elapsed wall-clock time: `start + ms`, whatever the calendar says
///   (`15m`, `24h` run through nights, weekends and holidays; across a daylight-saving change a
///   `24h` deadline lands at a different local hour).
/// - `.workingDays(n)` started **on a working day** is due at the same local time of day on the
///   n-th working day after the start's local date: accepted Friday 17:00, `2wd` is due Tuesday
///   17:00 (Monday 1, Tuesday 2); before a week-long holiday it skips the holiday; across a
///   daylight-saving change the local time is kept (Friday 10:00 CET + `1wd` → Monday 10:00 CEST).
/// - `.workingDays(n)` started **outside working days** (a weekend, a holiday) is counted as if the
///   ticket had arrived at the start of the next working day, which counts as day 1, and is due at
///   the **end** of the n-th working day (24:00 local, i.e. 00:00 of the following calendar day):
///   Saturday 10:00 + `1wd` → end of Monday (Tuesday 00:00); Saturday + `2wd` → end of Tuesday.
///   This is what a service desk promises ("we answer within one working day" of a weekend
///   request means "by close of business Monday", not "by Monday morning"), and it keeps deadlines
///   monotonic: a start late on Friday is due no later than a start on Saturday.
/// - `n <= 0` working days is due at the start itself. `n` is capped at 36,600 (a century), and a
///   calendar with no working day in ten years of searching (no `workdays` and no future extra
///   working days) counts calendar days instead, so that a broken configuration never hangs the
///   daemon.
/// - A local time that does not exist on the target day (inside a spring-forward gap, e.g. 02:30
///   in Berlin on the last Sunday of March) is read with the offset in force before the gap, which
///   moves it forward by the gap (02:30 → 03:30 CEST). A local time that occurs twice (autumn
///   overlap) is the **first** occurrence, the earlier instant.
public struct WorkingDayCalendar: Sendable {
    public let configuration: WorkCalendar
    let zone: Zone
    private let workdays: Set<Int>
    private let holidays: Set<Int>
    private let extraWorkdays: Set<Int>

    static let millisPerDay: Int64 = 86_400_000
    static let maxWorkingDays = 36_600
    static let searchLimitDays = 3_660

    public init(_ configuration: WorkCalendar) {
        self.configuration = configuration
        self.zone = Zone(configuration.timeZone)
        self.workdays = configuration.workdays
        self.holidays = Set(configuration.holidays.compactMap { LocalDate(iso: $0)?.dayNumber })
        self.extraWorkdays = Set(configuration.extraWorkdays.compactMap { LocalDate(iso: $0)?.dayNumber })
    }

    /// Whether a date is a working day (see the type's documentation for the precedence).
    public func isWorkingDay(_ date: LocalDate) -> Bool {
        if holidays.contains(date.dayNumber) { return false }
        if extraWorkdays.contains(date.dayNumber) { return true }
        return workdays.contains(date.isoWeekday)
    }

    /// Whether the local date of an instant is a working day.
    public func isWorkingDay(at instant: EpochMillis) -> Bool {
        isWorkingDay(localDate(of: instant))
    }

    /// The local date of an instant in the calendar's zone.
    public func localDate(of instant: EpochMillis) -> LocalDate {
        LocalDate(dayNumber: Int(zone.localMillis(fromUTC: instant).floorDivided(by: Self.millisPerDay)))
    }

    /// When a step started at `start` with the given span is due (rules in the type's documentation).
    public func deadline(from start: EpochMillis, adding span: DeadlineSpan) -> EpochMillis {
        switch span {
        case .duration(let millis):
            let (sum, overflow) = start.addingReportingOverflow(millis)
            return overflow ? (millis > 0 ? .max : .min) : sum
        case .workingDays(let count):
            guard count > 0 else { return start }
            let local = zone.localMillis(fromUTC: start)
            let dayNumber = local.floorDivided(by: Self.millisPerDay)
            let timeOfDay = local - dayNumber * Self.millisPerDay
            let day = LocalDate(dayNumber: Int(dayNumber))
            let target = nthWorkingDay(after: day, min(count, Self.maxWorkingDays))
            if isWorkingDay(day) {
                return zone.utcMillis(fromLocal: Int64(target.dayNumber) * Self.millisPerDay + timeOfDay)
            }
            return zone.utcMillis(fromLocal: Int64(target.dayNumber + 1) * Self.millisPerDay)
        }
    }

    /// The `count`-th working day strictly after `date` (`count` ≥ 1).
    func nthWorkingDay(after date: LocalDate, _ count: Int) -> LocalDate {
        var current = date
        var found = 0
        var sinceLastWorkingDay = 0
        while found < count {
            current = current.adding(days: 1)
            if isWorkingDay(current) {
                found += 1
                sinceLastWorkingDay = 0
            } else {
                sinceLastWorkingDay += 1
                if sinceLastWorkingDay > Self.searchLimitDays { return date.adding(days: count) }
            }
        }
        return current
    }
}

extension Int64 {
    /// Division rounding toward negative infinity.
    fileprivate func floorDivided(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor < 0) ? quotient - 1 : quotient
    }
}
