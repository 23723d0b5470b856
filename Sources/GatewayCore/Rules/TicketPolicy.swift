/// The service handbook's ticket steps, in order: accept → investigate → handle → feed back, then
/// closed.
public enum TicketStep: String, Sendable, Hashable, CaseIterable, Codable {
    case accept, investigate, handle, feedback
}

/// A deadline as configured: a plain duration (`15m`, `24h`) on the wall clock, or whole working
/// days (`7wd`) on the working-day calendar.
public enum DeadlineSpan: Sendable, Hashable {
    case duration(millis: Int64)
    case workingDays(Int)
}

/// When a rule's alerts open a ticket and the deadline of each step.
public struct TicketPolicy: Sendable, Hashable {
    /// The lowest severity that opens a ticket.
    public var when: Severity
    /// Per step; a step without one takes the default for the utility and severity.
    public var steps: [TicketStep: DeadlineSpan]

    public init(when: Severity = .critical, steps: [TicketStep: DeadlineSpan] = [:]) {
        self.when = when
        self.steps = steps
    }
}

/// The working-day calendar for `wd` deadlines: which weekdays are working days, public holidays,
/// and make-up working days (a weekend day worked to bridge a holiday), in a time zone.
public struct WorkCalendar: Sendable, Hashable {
    /// 1 = Monday … 7 = Sunday (ISO 8601).
    public var workdays: Set<Int>
    /// `YYYY-MM-DD` in the calendar's zone.
    public var holidays: Set<String>
    public var extraWorkdays: Set<String>
    public var timeZone: TimestampZone

    public init(
        workdays: Set<Int> = [1, 2, 3, 4, 5], holidays: Set<String> = [], extraWorkdays: Set<String> = [],
        timeZone: TimestampZone = .fixed(offsetSeconds: 0)
    ) {
        self.workdays = workdays
        self.holidays = holidays
        self.extraWorkdays = extraWorkdays
        self.timeZone = timeZone
    }
}
