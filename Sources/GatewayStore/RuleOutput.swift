import Foundation
import GatewayCore

/// What the rule engine produced for one stretch of readings (or one operator action), written in
/// ONE transaction with the engine's state and evaluation cursor, so that after a crash the engine
/// resumes exactly where its last committed output ends: nothing fires twice, nothing pending is
/// forgotten.
///
/// The store knows nothing of the engine's types: entries carry the few columns listings filter
/// on, and the full event or entity as JSON (`body`).
public struct RuleOutput: Sendable {
    public var alertEvents: [AlertHistoryEntry]
    public var ticketEvents: [TicketHistoryEntry]
    /// `rule_state` rows to replace (the engine snapshot, the cursor).
    public var state: [String: Data]

    public init(alertEvents: [AlertHistoryEntry] = [], ticketEvents: [TicketHistoryEntry] = [], state: [String: Data] = [:]) {
        self.alertEvents = alertEvents
        self.ticketEvents = ticketEvents
        self.state = state
    }

    public var isEmpty: Bool { alertEvents.isEmpty && ticketEvents.isEmpty && state.isEmpty }
}

/// One alert event for the append-only history, with the alert's resulting row (`nil`: the alert
/// was never announced and leaves the table, e.g. a pending alert whose condition went away).
public struct AlertHistoryEntry: Sendable, Hashable {
    public var alertID: String
    public var time: EpochMillis
    public var kind: String
    public var state: String
    public var actor: String?
    public var note: String?
    public var body: String
    public var current: AlertRow?

    public init(
        alertID: String, time: EpochMillis, kind: String, state: String, actor: String?, note: String?, body: String,
        current: AlertRow?
    ) {
        self.alertID = alertID
        self.time = time
        self.kind = kind
        self.state = state
        self.actor = actor
        self.note = note
        self.body = body
        self.current = current
    }
}

/// An alert as the `alerts` table keeps it.
public struct AlertRow: Sendable, Hashable {
    public var id: String
    public var ruleID: String
    public var utility: Utility?
    public var site: String
    public var device: String
    public var metric: String
    public var state: String
    public var severity: String
    public var since: EpochMillis
    public var updated: EpochMillis
    /// The alert's last event, as JSON.
    public var body: String

    public init(
        id: String, ruleID: String, utility: Utility?, site: String, device: String, metric: String, state: String,
        severity: String, since: EpochMillis, updated: EpochMillis, body: String
    ) {
        self.id = id
        self.ruleID = ruleID
        self.utility = utility
        self.site = site
        self.device = device
        self.metric = metric
        self.state = state
        self.severity = severity
        self.since = since
        self.updated = updated
        self.body = body
    }
}

/// One ticket event for the append-only history (the service archive), with the ticket's row.
public struct TicketHistoryEntry: Sendable, Hashable {
    public var ticketID: String
    public var time: EpochMillis
    public var kind: String
    public var actor: String?
    public var note: String?
    public var body: String
    public var current: TicketRow

    public init(
        ticketID: String, time: EpochMillis, kind: String, actor: String?, note: String?, body: String, current: TicketRow
    ) {
        self.ticketID = ticketID
        self.time = time
        self.kind = kind
        self.actor = actor
        self.note = note
        self.body = body
        self.current = current
    }
}

/// A ticket as the `tickets` table keeps it.
public struct TicketRow: Sendable, Hashable {
    public var id: String
    public var ruleID: String
    public var utility: Utility?
    public var site: String
    public var device: String
    /// `open` or `closed`.
    public var state: String
    /// The step to do next while open.
    public var step: String?
    /// Its deadline.
    public var deadline: EpochMillis?
    public var opened: EpochMillis
    public var updated: EpochMillis
    /// The whole ticket, as JSON.
    public var body: String

    public init(
        id: String, ruleID: String, utility: Utility?, site: String, device: String, state: String, step: String?,
        deadline: EpochMillis?, opened: EpochMillis, updated: EpochMillis, body: String
    ) {
        self.id = id
        self.ruleID = ruleID
        self.utility = utility
        self.site = site
        self.device = device
        self.state = state
        self.step = step
        self.deadline = deadline
        self.opened = opened
        self.updated = updated
        self.body = body
    }
}
