import GatewayCore

/// Something that happened to a ticket. The book returns these from every change and appends the
/// same values to the ticket's history; the daemon persists them, and turns `overdue` into a
/// `ticket.overdue` alert. Encoded with snake_case keys and raw values; absent fields are omitted.
public struct TicketEvent: Sendable, Hashable, Codable {
    /// What happened (raw values are the wire names).
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// A ticket was opened (`alert` is the alert that opened it; `deadline` is accept's).
        case opened
        /// An alert was linked to an open ticket: a re-firing, or an alert folded into a flood ticket.
        case alertLinked = "alert_linked"
        /// A step verb: `step` is the step done, `nextStep` and `deadline` the next step's (absent
        /// after `feedback`, which is followed by `closed` with reason `completed`).
        case stepDone = "step_done"
        case assigned
        case noted
        /// `step` is the step the ticket was closed at.
        case closed
        /// `step` passed its `deadline` (once per step).
        case overdue
        /// Follows `overdue`; `escalationLevel` is the ticket's new level.
        case escalated
    }

    public var kind: Kind
    public var ticketID: String
    public var at: EpochMillis
    /// Who did it; `nil` for the gateway itself (opening, linking, overdue, escalation).
    public var actor: String?
    public var note: String?
    public var ruleID: String
    public var utility: Utility
    public var site: String
    public var device: String
    /// The step the event is about (see `Kind`); for `alert_linked`, `assigned` and `noted` the
    /// ticket's current step (absent when closed).
    public var step: TicketStep?
    /// The ticket's running deadline after the event (for `overdue`/`escalated`, the one missed).
    public var deadline: EpochMillis?
    public var nextStep: TicketStep?
    public var alert: TicketAlertLink?
    public var assignee: String?
    public var closeReason: TicketCloseReason?
    public var escalationLevel: Int?

    enum CodingKeys: String, CodingKey {
        case kind, ticketID = "ticket_id", at, actor, note, ruleID = "rule_id", utility, site, device, step, deadline
        case nextStep = "next_step", alert, assignee, closeReason = "close_reason", escalationLevel = "escalation_level"
    }

    init(_ kind: Kind, _ ticket: Ticket, at: EpochMillis, actor: String? = nil, note: String? = nil) {
        self.kind = kind
        self.ticketID = ticket.id
        self.at = at
        self.actor = actor
        self.note = note
        self.ruleID = ticket.ruleID
        self.utility = ticket.utility
        self.site = ticket.site
        self.device = ticket.device
        self.step = ticket.isOpen ? ticket.step : nil
        self.deadline = ticket.currentDeadline
    }
}
