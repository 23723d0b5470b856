import GatewayCore

/// Step deadlines for tickets whose rule does not set one (`ticket.steps`), per utility, severity
/// and step — the one table of them, written as data with each value's source.
///
/// Sources are `../shared/standards.md` ("Ticket deadlines" and the handbook paragraph under it);
/// `basis` tells a published commitment from the handbook's complaint procedure and from our own
/// design choice (a step the sources give no figure for). Principles:
/// - **critical** (the standard's own limit is breached: a fault): `accept` is the utility's
///   published crew-arrival time, using the strictest (urban) figure — rural and remote sites set
///   `ticket.steps.accept` on their rules; `investigate` is one hour of on-site diagnosis;
///   `handle` is the published repair or restoration time where one exists; `feedback` follows
///   the handbook (2 working days).
/// - **warning**: the handbook's complaint procedure (first contact 1 working day — or the
///   utility's own figure — initial investigation 24 h, report 7 working days, feedback 2 working
///   days); except gas, whose two standard-backed warning levels (25 %LEL first alarm, CO 50 ppm)
///   are safety alarms that need a crew within the leak arrival time.
/// The handbook also names 3 working days for feeding back a handling result; we use its
/// stricter 2 working days for the `feedback` step, as the example does.
public struct TicketDeadlineDefaults: Sendable, Hashable {
    /// Where a default comes from.
    public enum Basis: String, Sendable, Hashable, Codable {
        /// A utility's or regulator's published service commitment.
        case published
        /// The service handbook's complaint-handling procedure.
        case handbook
        /// Our choice where no source gives a figure; tunable per rule.
        case design
    }

    /// One cell of the table.
    public struct Entry: Sendable, Hashable {
        public var utility: Utility
        public var severity: Severity
        public var step: TicketStep
        public var span: DeadlineSpan
        public var basis: Basis
        public var source: String

        public init(
            utility: Utility, severity: Severity, step: TicketStep, span: DeadlineSpan, basis: Basis, source: String
        ) {
            self.utility = utility
            self.severity = severity
            self.step = step
            self.span = span
            self.basis = basis
            self.source = source
        }
    }

    public var entries: [Entry]

    public init(entries: [Entry]) {
        self.entries = entries
    }

    /// The default for a step. A table without that cell (a custom table) falls back to the
    /// handbook's complaint procedure for the step.
    public func entry(utility: Utility, severity: Severity, step: TicketStep) -> Entry {
        entries.first { $0.utility == utility && $0.severity == severity && $0.step == step }
            ?? Self.complaint(utility, severity, step)
    }

    public func span(utility: Utility, severity: Severity, step: TicketStep) -> DeadlineSpan {
        entry(utility: utility, severity: severity, step: step).span
    }
}

extension TicketDeadlineDefaults {
    /// The shipped table (sources in `../shared/standards.md`).
    public static let standard = TicketDeadlineDefaults(entries: [
        // power, critical: a fault on the network
        .init(utility: .power, severity: .critical, step: .accept, span: minutes(45), basis: .published,
              source: "State Grid 2023 service commitments [P]: crew arrival, urban 45 min (rural 90 min, remote 2 h)"),
        .init(utility: .power, severity: .critical, step: .investigate, span: hours(1), basis: .design,
              source: "design: on-site diagnosis; with handle 2 h keeps restoration within 3 h of arrival"),
        .init(utility: .power, severity: .critical, step: .handle, span: hours(2), basis: .design,
              source: "State Grid 2023 [P]: supply restored within 3 h of arrival (urban), less the 1 h investigate step"),
        .init(utility: .power, severity: .critical, step: .feedback, span: .workingDays(2), basis: .handbook,
              source: "service handbook: result fed back within 2 working days"),
        // power, warning: handled as a service complaint
        .init(utility: .power, severity: .warning, step: .accept, span: .workingDays(1), basis: .published,
              source: "utility service standard [S]: complaint first contact within 1 working day"),
        .init(utility: .power, severity: .warning, step: .investigate, span: hours(24), basis: .handbook,
              source: "service handbook: initial investigation within 24 h"),
        .init(utility: .power, severity: .warning, step: .handle, span: .workingDays(7), basis: .handbook,
              source: "service handbook: investigation report within 7 working days; written reply 7 working days [S]"),
        .init(utility: .power, severity: .warning, step: .feedback, span: .workingDays(2), basis: .handbook,
              source: "service handbook: result fed back within 2 working days"),
        // water, critical: a burst or a quality limit breached
        .init(utility: .water, severity: .critical, step: .accept, span: minutes(45), basis: .published,
              source: "utilities' commitments [S]: burst crew arrival 45–60 min urban (90 min outer/night); the stricter end"),
        .init(utility: .water, severity: .critical, step: .investigate, span: hours(1), basis: .design,
              source: "design: on-site diagnosis"),
        .init(utility: .water, severity: .critical, step: .handle, span: hours(24), basis: .published,
              source: "utilities' commitments [S]: repair of small mains within 24 h (large mains 30–48 h: set per rule)"),
        .init(utility: .water, severity: .critical, step: .feedback, span: .workingDays(2), basis: .handbook,
              source: "service handbook: result fed back within 2 working days"),
        // water, warning: handled as a service (quality) complaint
        .init(utility: .water, severity: .warning, step: .accept, span: hours(24), basis: .published,
              source: "utilities' commitments [S]: water-quality complaint answered within 24 h"),
        .init(utility: .water, severity: .warning, step: .investigate, span: hours(24), basis: .handbook,
              source: "service handbook: initial investigation within 24 h"),
        .init(utility: .water, severity: .warning, step: .handle, span: .workingDays(7), basis: .handbook,
              source: "service handbook: investigation report within 7 working days; written reply 7 working days [S]"),
        .init(utility: .water, severity: .warning, step: .feedback, span: .workingDays(2), basis: .handbook,
              source: "service handbook: result fed back within 2 working days"),
        // gas, critical: second alarm (50 %LEL), CO 300 ppm, supply pressure out of range
        .init(utility: .gas, severity: .critical, step: .accept, span: hours(1), basis: .published,
              source: "one utility's commitment [S]: leak arrival 1 h (\"30 min urban\" is unverified [U], not used)"),
        .init(utility: .gas, severity: .critical, step: .investigate, span: hours(1), basis: .design,
              source: "design: on-site diagnosis"),
        .init(utility: .gas, severity: .critical, step: .handle, span: hours(4), basis: .design,
              source: "design: make safe and repair; no published figure (indoor fault arrival is 4 h [S])"),
        .init(utility: .gas, severity: .critical, step: .feedback, span: .workingDays(2), basis: .handbook,
              source: "service handbook: result fed back within 2 working days"),
        // gas, warning: first alarm (25 %LEL), CO 50 ppm — still safety alarms
        .init(utility: .gas, severity: .warning, step: .accept, span: hours(1), basis: .design,
              source: "leak arrival 1 h [S] applied to warnings: gas warning levels (25 %LEL, CO 50 ppm) are safety alarms"),
        .init(utility: .gas, severity: .warning, step: .investigate, span: hours(4), basis: .design,
              source: "design: on-site diagnosis of a first alarm"),
        .init(utility: .gas, severity: .warning, step: .handle, span: hours(24), basis: .design,
              source: "design: repair after a first alarm"),
        .init(utility: .gas, severity: .warning, step: .feedback, span: .workingDays(2), basis: .handbook,
              source: "service handbook: result fed back within 2 working days"),
    ])

    /// The handbook's complaint procedure, the fallback for a cell a custom table lacks.
    static func complaint(_ utility: Utility, _ severity: Severity, _ step: TicketStep) -> Entry {
        let span: DeadlineSpan
        switch step {
        case .accept: span = .workingDays(1)
        case .investigate: span = hours(24)
        case .handle: span = .workingDays(7)
        case .feedback: span = .workingDays(2)
        }
        return Entry(utility: utility, severity: severity, step: step, span: span, basis: .handbook,
                     source: "service handbook complaint procedure (fallback)")
    }

    static func minutes(_ count: Int64) -> DeadlineSpan { .duration(millis: count * 60_000) }
    static func hours(_ count: Int64) -> DeadlineSpan { .duration(millis: count * 3_600_000) }
}
