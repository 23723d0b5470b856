import Foundation
import GatewayCore
import GatewayRules

/// Alerts, alert history and tickets as operators and tools see them — one definition for the API
/// and the CLI, so both list the same columns (DESIGN §6; times RFC 3339 UTC).
extension Record {
    public static let alertColumns = [
        "id", "rule", "state", "severity", "utility", "site", "device", "metric", "since", "updated", "value",
        "threshold", "flags", "acknowledged_by", "risk",
    ]

    /// An alert from its last event (the store's `alerts.body`).
    public init(alert event: AlertEvent) {
        var flags: [String] = []
        if event.shelved { flags.append("shelved" + (event.shelvedUntil.map { " until " + RFC3339.format($0) } ?? "")) }
        if event.suppressed { flags.append("suppressed") }
        if event.outOfService { flags.append("out_of_service") }
        if event.safety { flags.append("safety") }
        if event.duringFlood { flags.append("flood") }
        self.init([
            ("id", .text(event.alertID)), ("rule", .text(event.ruleID)), ("state", .text(event.state.rawValue)),
            ("severity", .text(event.severity.rawValue)), ("utility", event.utility.map { .text($0.rawValue) } ?? .null),
            ("site", .text(event.site)), ("device", .text(event.device)), ("metric", .text(event.metric)),
            ("since", .text(RFC3339.format(event.since))), ("updated", .text(RFC3339.format(event.time))),
            ("value", event.value.map(Cell.double) ?? .null), ("threshold", event.threshold.map(Cell.double) ?? .null),
            ("flags", .text(flags.joined(separator: ","))), ("acknowledged_by", event.acknowledgedBy.map(Cell.text) ?? .null),
            ("risk", .text("\(event.riskLevel.rawValue)/\(event.riskCategory.rawValue)")),
        ])
    }

    public static let alertHistoryColumns = ["time", "kind", "state", "severity", "value", "threshold", "actor", "note"]

    /// One entry of an alert's history.
    public init(alertHistory event: AlertEvent) {
        self.init([
            ("time", .text(RFC3339.format(event.time))), ("kind", .text(event.kind.rawValue)),
            ("state", .text(event.state.rawValue)), ("severity", .text(event.severity.rawValue)),
            ("value", event.value.map(Cell.double) ?? .null), ("threshold", event.threshold.map(Cell.double) ?? .null),
            ("actor", event.actor.map(Cell.text) ?? .null), ("note", event.note.map(Cell.text) ?? .null),
        ])
    }

    public static let ticketColumns = [
        "id", "state", "step", "deadline", "overdue", "rule", "utility", "site", "device", "severity", "risk",
        "assignee", "alerts", "opened", "closed", "close_reason",
    ]

    /// A ticket (the store's `tickets.body`); `now` decides whether its current step is overdue.
    public init(ticket: Ticket, now: EpochMillis) {
        self.init([
            ("id", .text(ticket.id)), ("state", .text(ticket.status.rawValue)),
            ("step", ticket.isOpen ? .text(ticket.step.rawValue) : .null),
            ("deadline", ticket.currentDeadline.map { .text(RFC3339.format($0)) } ?? .null),
            ("overdue", .text(ticket.isOverdue(at: now) ? "yes" : "no")), ("rule", .text(ticket.ruleID)),
            ("utility", .text(ticket.utility.rawValue)), ("site", .text(ticket.site)), ("device", .text(ticket.device)),
            ("severity", .text(ticket.severity.rawValue)),
            ("risk", .text("\(ticket.riskLevel.rawValue)/\(ticket.riskCategory.rawValue)")),
            ("assignee", ticket.assignee.map(Cell.text) ?? .null),
            ("alerts", .text(ticket.alerts.map(\.alertID).joined(separator: ","))),
            ("opened", .text(RFC3339.format(ticket.openedAt))),
            ("closed", ticket.closedAt.map { .text(RFC3339.format($0)) } ?? .null),
            ("close_reason", ticket.closeReason.map { .text($0.rawValue) } ?? .null),
        ])
    }

    public static let ticketHistoryColumns = ["time", "kind", "step", "next_step", "deadline", "actor", "note"]

    /// One entry of a ticket's history (the service archive): `step` is the step the event is
    /// about (the one done, for `step_done`), `next_step` the one it leads to.
    public init(ticketHistory event: TicketEvent) {
        self.init([
            ("time", .text(RFC3339.format(event.at))), ("kind", .text(event.kind.rawValue)),
            ("step", event.step.map { .text($0.rawValue) } ?? .null),
            ("next_step", event.nextStep.map { .text($0.rawValue) } ?? .null),
            ("deadline", event.deadline.map { .text(RFC3339.format($0)) } ?? .null),
            ("actor", event.actor.map(Cell.text) ?? .null), ("note", event.note.map(Cell.text) ?? .null),
        ])
    }
}

/// Decoding the JSON bodies the store keeps.
public enum StoredBody {
    public static func alertEvent(_ body: String) throws -> AlertEvent {
        try JSONDecoder().decode(AlertEvent.self, from: Data(body.utf8))
    }

    public static func ticket(_ body: String) throws -> Ticket {
        try JSONDecoder().decode(Ticket.self, from: Data(body.utf8))
    }

    public static func ticketEvent(_ body: String) throws -> TicketEvent {
        try JSONDecoder().decode(TicketEvent.self, from: Data(body.utf8))
    }
}
