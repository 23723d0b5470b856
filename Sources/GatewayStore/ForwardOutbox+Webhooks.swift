// Webhook cursors — how far each webhook's receiver has acknowledged (2xx) the alert and ticket
// histories, in the same v3 `forward_cursor` table as the uplink's, under stream names of their
// own: `webhook:<name>:alert_history` and `webhook:<name>:ticket_history`. No schema change.
//
// INVARIANTS
//  1. A webhook cursor only moves to a seq whose event, and every earlier event of that stream,
//     the receiver answered with 2xx — or that the webhook's event filter skips.
//  2. A webhook seen for the first time starts at the newest event of each history (cursor rows
//     created at max(seq)): adding a webhook to a gateway with a year of history must not replay
//     that year to a pager. On a new store that is 0, so nothing is missed.
//  3. Reads and writes are asynchronous (GRDB runs them on the connection's own queue), so a
//     write lock held by an ingest commit never blocks a thread of the Swift concurrency pool.
import GRDB
import GatewayCore

extension ForwardOutbox {
    /// The `forward_cursor.stream` of one webhook's stream.
    public static func webhookStream(_ name: String, _ stream: ForwardStream) -> String {
        "webhook:\(name):\(stream.rawValue)"
    }

    /// The webhook's cursors; created at the newest event of each history when it has none yet
    /// (invariant 2). Call once at start, before the rules stage can append anything.
    public func startWebhook(name: String, now: EpochMillis) throws -> ForwardCursors {
        try StoreError.context(path: path, operation: "webhook.start") {
            try queue.inTransaction(.immediate) { db in
                for (stream, table) in [(ForwardStream.alertHistory, "alert_history"), (.ticketHistory, "ticket_history")] {
                    try db.execute(
                        sql: """
                            INSERT OR IGNORE INTO forward_cursor(stream, last_seq, updated_at)
                            SELECT ?, coalesce(max(seq), 0), ? FROM \(table)
                            """, arguments: [Self.webhookStream(name, stream), now])
                }
                return .commit
            }
            return try queue.read { db in try Self.webhookCursors(db, name: name) }
        }
    }

    static func webhookCursors(_ db: Database, name: String) throws -> ForwardCursors {
        var cursors = ForwardCursors()
        for stream in [ForwardStream.alertHistory, .ticketHistory] {
            cursors[stream] = try Int64.fetchOne(
                db, sql: "SELECT last_seq FROM forward_cursor WHERE stream = ?", arguments: [webhookStream(name, stream)]) ?? 0
        }
        return cursors
    }

    /// Alert and ticket events after the cursors (see `events(after:limit:)`), read asynchronously.
    public func webhookEvents(after cursors: ForwardCursors, limit: Int) async throws -> [OutboxEvent] {
        do {
            return try await queue.read { db in try Self.events(db, after: cursors, limit: limit) }
        } catch {
            throw StoreError.wrap(error, path: path, operation: "webhook.events")
        }
    }

    /// Events waiting after the cursors, in both histories (filtered-out ones included).
    public func webhookPending(after cursors: ForwardCursors) async throws -> Int {
        do {
            return try await queue.read { db in
                try Int.fetchOne(
                    db, sql: "SELECT (SELECT count(*) FROM alert_history WHERE seq > ?) + (SELECT count(*) FROM ticket_history WHERE seq > ?)",
                    arguments: [cursors.alertHistory, cursors.ticketHistory]) ?? 0
            }
        } catch {
            throw StoreError.wrap(error, path: path, operation: "webhook.pending")
        }
    }

    /// Records the webhook's cursors (one small transaction); a cursor never moves back.
    public func saveWebhook(name: String, _ cursors: ForwardCursors, now: EpochMillis) async throws {
        do {
            try await queue.write { db in
                let statement = try db.cachedStatement(sql: """
                    INSERT INTO forward_cursor(stream, last_seq, updated_at) VALUES (?, ?, ?)
                    ON CONFLICT(stream) DO UPDATE SET last_seq = excluded.last_seq, updated_at = excluded.updated_at
                        WHERE excluded.last_seq > forward_cursor.last_seq
                    """)
                for stream in [ForwardStream.alertHistory, .ticketHistory] {
                    try statement.execute(arguments: [Self.webhookStream(name, stream), cursors[stream], now])
                }
            }
        } catch {
            throw StoreError.wrap(error, path: path, operation: "webhook.save")
        }
    }
}
