import Foundation
import GRDB
import GatewayCore

extension ReadingStore {
    /// Writes the rule engine's output, state and cursor in one transaction (see `RuleOutput`).
    public func commit(_ output: RuleOutput) throws {
        guard !output.isEmpty else { return }
        try state.withLock { state in
            try checkOpen(state, "commit.rules")
            var seqs = state.seqs
            try StoreError.context(path: path, operation: "commit.rules") {
                try SeqReservation.ensure(output.alertEvents.count, of: "alert_history", &seqs, synchronous: synchronous, queue)
                try SeqReservation.ensure(output.ticketEvents.count, of: "ticket_history", &seqs, synchronous: synchronous, queue)
                try queue.inTransaction(.immediate) { db in
                    let history = try db.cachedStatement(sql: """
                        INSERT INTO alert_history(alert_id, ts, kind, state, actor, note, body) VALUES (?, ?, ?, ?, ?, ?, ?)
                        """)
                    let upsert = try db.cachedStatement(sql: """
                        INSERT INTO alerts(id, rule_id, utility, site, device, metric, state, severity, since, updated, body)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        ON CONFLICT(id) DO UPDATE SET state = excluded.state, severity = excluded.severity,
                            updated = excluded.updated, body = excluded.body
                        """)
                    let remove = try db.cachedStatement(sql: "DELETE FROM alerts WHERE id = ?")
                    for event in output.alertEvents {
                        try history.execute(arguments: [
                            event.alertID, event.time, event.kind, event.state, event.actor, event.note, event.body,
                        ])
                        if let row = event.current {
                            try upsert.execute(arguments: [
                                row.id, row.ruleID, row.utility?.rawValue, row.site, row.device, row.metric, row.state,
                                row.severity, row.since, row.updated, row.body,
                            ])
                        } else {
                            try remove.execute(arguments: [event.alertID])
                        }
                    }
                    let ticketHistory = try db.cachedStatement(sql: """
                        INSERT INTO ticket_history(ticket_id, ts, kind, actor, note, body) VALUES (?, ?, ?, ?, ?, ?)
                        """)
                    let ticketUpsert = try db.cachedStatement(sql: """
                        INSERT INTO tickets(id, rule_id, utility, site, device, state, step, deadline, opened, updated, body)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        ON CONFLICT(id) DO UPDATE SET state = excluded.state, step = excluded.step,
                            deadline = excluded.deadline, updated = excluded.updated, body = excluded.body
                        """)
                    for event in output.ticketEvents {
                        try ticketHistory.execute(arguments: [
                            event.ticketID, event.time, event.kind, event.actor, event.note, event.body,
                        ])
                        let row = event.current
                        try ticketUpsert.execute(arguments: [
                            row.id, row.ruleID, row.utility?.rawValue, row.site, row.device, row.state, row.step,
                            row.deadline, row.opened, row.updated, row.body,
                        ])
                    }
                    let setState = try db.cachedStatement(sql: """
                        INSERT INTO rule_state(key, value) VALUES (?, ?)
                        ON CONFLICT(key) DO UPDATE SET value = excluded.value
                        """)
                    for (key, value) in output.state.sorted(by: { $0.key < $1.key }) {
                        try setState.execute(arguments: [key, value])
                    }
                    if !output.alertEvents.isEmpty { try SeqReservation.noteIssued("alert_history", db, &seqs) }
                    if !output.ticketEvents.isEmpty { try SeqReservation.noteIssued("ticket_history", db, &seqs) }
                    return .commit
                }
            }
            state.seqs = seqs
        }
    }

    /// A `rule_state` value; `nil` when never written.
    public func ruleState(_ key: String) throws -> Data? {
        try state.withLock { state in
            try checkOpen(state, "rules.state")
            return try StoreError.context(path: path, operation: "rules.state") {
                try queue.read { db in try Data.fetchOne(db, sql: "SELECT value FROM rule_state WHERE key = ?", arguments: [key]) }
            }
        }
    }

    /// Readings with a seq above `afterSeq`, in store order (seq), at most `limit`, from both tiers:
    /// what the rule engine has not evaluated yet.
    public func readings(afterSeq: Int64, limit: Int) throws -> [Reading] {
        try state.withLock { state in
            try checkOpen(state, "rules.readings")
            return try StoreError.context(path: path, operation: "rules.readings") {
                try queue.read { db in try Self.readingsInSeqOrder(db, afterSeq: afterSeq, limit: limit) }
            }
        }
    }

    static func readingsInSeqOrder(_ db: Database, afterSeq: Int64, limit: Int) throws -> [Reading] {
        let columns = "r.seq, s.utility, s.site, s.device, s.metric, r.value, s.unit, r.ts, r.received_at, r.quality, t.name"
        let join = "JOIN series s ON s.id = r.series_id JOIN topics t ON t.id = r.topic_id"
        let sql = """
            SELECT * FROM (
                SELECT \(columns) FROM readings_recent r \(join) WHERE r.seq > ?1
                UNION ALL
                SELECT \(columns) FROM readings r \(join) WHERE r.seq > ?1
            ) ORDER BY 1 LIMIT ?2
            """
        return try Row.fetchAll(db, sql: sql, arguments: [afterSeq, limit]).compactMap { row in
            let code: String = row[1]
            guard let utility = Utility(rawValue: code) else { return nil }
            return Reading(
                seq: row[0], utility: utility, site: row[2], device: row[3], metric: row[4], value: row[5], unit: row[6],
                timestamp: row[7], receivedAt: row[8], quality: QualityFlags(rawValue: row[9]), topic: row[10])
        }
    }
}

extension ReadingStore {
    /// The highest seq handed out so far (0 when none).
    public func lastSeq() throws -> Int64 {
        try state.withLock { state in
            try checkOpen(state, "rules.last_seq")
            return try StoreError.context(path: path, operation: "rules.last_seq") {
                try queue.read { db in
                    try Int64.fetchOne(db, sql: Self.lastSeqSQL) ?? 0
                }
            }
        }
    }
}
