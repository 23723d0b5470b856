import GatewayCore

/// The service tickets: opening and appending from alerts, the step verbs, deadlines and
/// escalation, flood folding — pure, with the wall-clock time passed into every call.
///
/// **Invariants.**
/// - At most one open ticket per (rule id, `utility/site/device`), and at most one open flood
///   ticket (rule id `gateway.flood`, device `*`) per site.
/// - Ids are `T<n>` from `state.nextNumber`, in opening order, never reused (not even after
///   `removeClosed`).
/// - Steps are done strictly in order (accept → investigate → handle → feedback); `feedback`
///   closes the ticket with reason `completed`; `close` closes from any step. A closed ticket
///   takes only notes.
/// - Each step's deadline is fixed when the step starts: `accept` from opening, each later step
///   from when the previous one was done, from the rule's `ticket.steps` or else the defaults for
///   the ticket's utility and its severity *at that moment* (a ticket raised to critical gets
///   critical deadlines from its next step on). Flood tickets use the critical defaults.
/// - Every change returns its events and appends exactly those events to the ticket's history,
///   which is never rewritten.
///
/// **Persistence.** `state` is the whole persisted state (`Codable`); the calendar and the
/// defaults are configuration and are passed in again at start-up, so a changed calendar applies
/// to steps started after the restart while deadlines already running keep their instants.
public struct TicketBook: Sendable {
    /// The rule id of a site's flood ticket.
    public static let floodRuleID = "gateway.flood"
    /// The device of a flood ticket: the whole site.
    public static let floodDevice = "*"

    /// Everything the daemon persists: the id counter and the tickets in opening order.
    public struct State: Sendable, Hashable, Codable {
        /// The number of the next ticket id (`T<nextNumber>`).
        public internal(set) var nextNumber: Int
        public internal(set) var tickets: [Ticket]

        public init() {
            nextNumber = 1
            tickets = []
        }

        enum CodingKeys: String, CodingKey {
            case nextNumber = "next_number", tickets
        }
    }

    public internal(set) var state: State
    public let calendar: WorkingDayCalendar
    public let defaults: TicketDeadlineDefaults

    // Derived from `state`, rebuilt by `reindex()`.
    var positionByID: [String: Int] = [:]
    var openIndex: [OpenKey: Int] = [:]
    var linkedAlerts: [LinkKey: Int] = [:]

    struct OpenKey: Hashable {
        var ruleID: String
        var utility: Utility?
        var site: String
        var device: String

        static func flood(site: String) -> OpenKey {
            OpenKey(ruleID: TicketBook.floodRuleID, utility: nil, site: site, device: TicketBook.floodDevice)
        }

        init(ruleID: String, utility: Utility?, site: String, device: String) {
            self.ruleID = ruleID
            self.utility = utility
            self.site = site
            self.device = device
        }

        init(_ ticket: Ticket) {
            self = ticket.isFlood
                ? .flood(site: ticket.site)
                : OpenKey(ruleID: ticket.ruleID, utility: ticket.utility, site: ticket.site, device: ticket.device)
        }
    }

    struct LinkKey: Hashable {
        var alertID: String
        var severity: Severity
    }

    public init(state: State = State(), calendar: WorkingDayCalendar, defaults: TicketDeadlineDefaults = .standard) {
        self.state = state
        self.calendar = calendar
        self.defaults = defaults
        reindex()
    }

    mutating func reindex() {
        positionByID = [:]
        openIndex = [:]
        linkedAlerts = [:]
        for (position, ticket) in state.tickets.enumerated() {
            positionByID[ticket.id] = position
            if ticket.isOpen { openIndex[OpenKey(ticket)] = position }
            for link in ticket.alerts {
                linkedAlerts[LinkKey(alertID: link.alertID, severity: link.severity)] = position
            }
        }
    }

    /// Applies a change to the ticket at `position`, appends its events to the history and keeps
    /// the indexes in step.
    mutating func update(at position: Int, _ change: (inout Ticket) -> [TicketEvent]) -> [TicketEvent] {
        let wasOpen = state.tickets[position].isOpen
        let events = change(&state.tickets[position])
        state.tickets[position].history.append(contentsOf: events)
        let ticket = state.tickets[position]
        if wasOpen, !ticket.isOpen { openIndex[OpenKey(ticket)] = nil }
        return events
    }

    /// The step's span: the rule's own, else the default for the ticket's utility and severity.
    func span(for step: TicketStep, of ticket: Ticket) -> DeadlineSpan {
        if ticket.isFlood { return defaults.span(utility: ticket.utility, severity: .critical, step: step) }
        return ticket.stepSpans[step] ?? defaults.span(utility: ticket.utility, severity: ticket.severity, step: step)
    }

    func startRecord(_ step: TicketStep, of ticket: Ticket, at now: EpochMillis) -> TicketStepRecord {
        TicketStepRecord(
            step: step, startedAt: now, deadline: calendar.deadline(from: now, adding: span(for: step, of: ticket)),
            doneAt: nil, doneBy: nil, overdue: false)
    }

    /// Drops closed tickets closed before `instant` (the daemon keeps them in its archive) and
    /// returns them. Numbering continues; re-deliveries of their alerts are no longer recognised.
    public mutating func removeClosed(closedBefore instant: EpochMillis) -> [Ticket] {
        let removed = state.tickets.filter { !$0.isOpen && ($0.closedAt ?? .min) < instant }
        guard !removed.isEmpty else { return [] }
        state.tickets.removeAll { !$0.isOpen && ($0.closedAt ?? .min) < instant }
        reindex()
        return removed
    }
}
