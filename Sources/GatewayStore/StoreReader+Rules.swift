import Foundation
import GRDB
import GatewayCore

/// Which alerts a listing wants; every criterion optional, combined with AND; newest first.
public struct AlertFilter: Sendable, Hashable {
    /// Any of these states (`active_unack`, `cleared`, …); empty: any.
    public var states: Set<String>
    public var severity: String?
    public var utility: Utility?
    public var site: String?
    public var device: String?
    public var rule: String?
    /// On when the episode began: `since <= began < until`.
    public var since: EpochMillis?
    public var until: EpochMillis?
    public var limit: Int

    public init(
        states: Set<String> = [], severity: String? = nil, utility: Utility? = nil, site: String? = nil,
        device: String? = nil, rule: String? = nil, since: EpochMillis? = nil, until: EpochMillis? = nil,
        limit: Int = 100
    ) {
        self.states = states
        self.severity = severity
        self.utility = utility
        self.site = site
        self.device = device
        self.rule = rule
        self.since = since
        self.until = until
        self.limit = limit
    }
}

/// Which tickets a listing wants; newest first.
public struct TicketFilter: Sendable, Hashable {
    /// `open` or `closed`; `nil`: any.
    public var state: String?
    public var step: String?
    public var utility: Utility?
    public var site: String?
    public var device: String?
    public var rule: String?
    /// Only open tickets whose current step's deadline is before this instant.
    public var overdueAt: EpochMillis?
    public var limit: Int

    public init(
        state: String? = nil, step: String? = nil, utility: Utility? = nil, site: String? = nil, device: String? = nil,
        rule: String? = nil, overdueAt: EpochMillis? = nil, limit: Int = 100
    ) {
        self.state = state
        self.step = step
        self.utility = utility
        self.site = site
        self.device = device
        self.rule = rule
        self.overdueAt = overdueAt
        self.limit = limit
    }
}

/// One entry of an alert's or a ticket's history, as stored.
public struct HistoryRow: Sendable, Hashable {
    public var seq: Int64
    public var time: EpochMillis
    public var kind: String
    public var actor: String?
    public var note: String?
    /// The event, as JSON.
    public var body: String

    public init(seq: Int64, time: EpochMillis, kind: String, actor: String?, note: String?, body: String) {
        self.seq = seq
        self.time = time
        self.kind = kind
        self.actor = actor
        self.note = note
        self.body = body
    }
}

extension StoreReader {
    /// Alerts matching `filter`, the most recently begun first.
    public func alerts(_ filter: AlertFilter) throws -> [AlertRow] {
        var (conditions, arguments) = Self.equalities([
            ("severity", filter.severity), ("utility", filter.utility?.rawValue), ("site", filter.site),
            ("device", filter.device), ("rule_id", filter.rule),
        ])
        if !filter.states.isEmpty {
            conditions.append("state IN (" + filter.states.map { _ in "?" }.joined(separator: ",") + ")")
            for state in filter.states.sorted() { arguments += [state] }
        }
        if let since = filter.since {
            conditions.append("since >= ?")
            arguments += [since]
        }
        if let until = filter.until {
            conditions.append("since < ?")
            arguments += [until]
        }
        arguments += [max(1, filter.limit)]
        let whereClause = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        return try query("query.alerts") { db in
            try Row.fetchAll(
                db,
                sql: "SELECT id, rule_id, utility, site, device, metric, state, severity, since, updated, body FROM alerts"
                    + whereClause + " ORDER BY since DESC, id DESC LIMIT ?",
                arguments: arguments
            ).map(Self.alertRow)
        }
    }

    /// One alert by id, or `nil`.
    public func alert(id: String) throws -> AlertRow? {
        try query("query.alert") { db in
            try Row.fetchOne(
                db,
                sql: "SELECT id, rule_id, utility, site, device, metric, state, severity, since, updated, body FROM alerts WHERE id = ?",
                arguments: [id]
            ).map(Self.alertRow)
        }
    }

    /// An alert's history, oldest first.
    public func alertHistory(id: String) throws -> [HistoryRow] {
        try query("query.alert_history") { db in
            try Row.fetchAll(
                db, sql: "SELECT seq, ts, kind, actor, note, body FROM alert_history WHERE alert_id = ? ORDER BY seq",
                arguments: [id]
            ).map(Self.historyRow)
        }
    }

    /// Tickets matching `filter`, the most recently opened first.
    public func tickets(_ filter: TicketFilter) throws -> [TicketRow] {
        var (conditions, arguments) = Self.equalities([
            ("state", filter.state), ("step", filter.step), ("utility", filter.utility?.rawValue), ("site", filter.site),
            ("device", filter.device), ("rule_id", filter.rule),
        ])
        if let overdueAt = filter.overdueAt {
            conditions.append("state = 'open' AND deadline IS NOT NULL AND deadline < ?")
            arguments += [overdueAt]
        }
        arguments += [max(1, filter.limit)]
        let whereClause = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        return try query("query.tickets") { db in
            try Row.fetchAll(
                db,
                sql: "SELECT id, rule_id, utility, site, device, state, step, deadline, opened, updated, body FROM tickets"
                    + whereClause + " ORDER BY opened DESC, id DESC LIMIT ?",
                arguments: arguments
            ).map(Self.ticketRow)
        }
    }

    /// One ticket by id, or `nil`.
    public func ticket(id: String) throws -> TicketRow? {
        try query("query.ticket") { db in
            try Row.fetchOne(
                db,
                sql: "SELECT id, rule_id, utility, site, device, state, step, deadline, opened, updated, body FROM tickets WHERE id = ?",
                arguments: [id]
            ).map(Self.ticketRow)
        }
    }

    /// A ticket's history (the service archive), oldest first.
    public func ticketHistory(id: String) throws -> [HistoryRow] {
        try query("query.ticket_history") { db in
            try Row.fetchAll(
                db, sql: "SELECT seq, ts, kind, actor, note, body FROM ticket_history WHERE ticket_id = ? ORDER BY seq",
                arguments: [id]
            ).map(Self.historyRow)
        }
    }

    /// `column = ?` for every criterion that is set, with its argument.
    static func equalities(_ criteria: [(column: String, value: String?)]) -> ([String], StatementArguments) {
        var conditions: [String] = []
        var arguments: StatementArguments = []
        for (column, value) in criteria {
            if let value {
                conditions.append("\(column) = ?")
                arguments += [value]
            }
        }
        return (conditions, arguments)
    }

    private static func alertRow(_ row: Row) -> AlertRow {
        let utility: String? = row[2]
        return AlertRow(
            id: row[0], ruleID: row[1], utility: utility.flatMap(Utility.init(rawValue:)), site: row[3], device: row[4],
            metric: row[5], state: row[6], severity: row[7], since: row[8], updated: row[9], body: row[10])
    }

    private static func ticketRow(_ row: Row) -> TicketRow {
        let utility: String? = row[2]
        return TicketRow(
            id: row[0], ruleID: row[1], utility: utility.flatMap(Utility.init(rawValue:)), site: row[3], device: row[4],
            state: row[5], step: row[6], deadline: row[7], opened: row[8], updated: row[9], body: row[10])
    }

    private static func historyRow(_ row: Row) -> HistoryRow {
        HistoryRow(seq: row[0], time: row[1], kind: row[2], actor: row[3], note: row[4], body: row[5])
    }
}
