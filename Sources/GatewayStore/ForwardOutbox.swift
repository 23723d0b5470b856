// ForwardOutbox — what the uplink has still to forward, read from the store on a connection of
// its own.
//
// INVARIANTS
//  1. The outbox IS the store: readings, alert_history and ticket_history are never copied into a
//     queue; the forwarder reads each stream after its cursor, in seq order (seq is the commit
//     order, so per-device order is kept).
//  2. Cursor = acknowledged prefix. `forward_cursor.last_seq` (migration v3) only moves to a seq whose
//     message, and every earlier message of the stream, the central broker acknowledged. After any
//     crash the forwarder resumes after it: records between the cursor and what was really
//     acknowledged are sent again, and the central side drops them by (gateway, generation, seq).
//  3. Own connection. Reads run in WAL snapshots and never wait for, nor delay, the ingest writer;
//     the cursor update is one tiny transaction per acknowledged stretch, never inside a read.
import Foundation
import GRDB
import GatewayCore

/// The store side of store-and-forward: reads what is not forwarded yet and records what was.
///
/// Used from the forwarder's thread only (it serialises on its own `DatabaseQueue`). Open it after
/// `ReadingStore`, which creates the file and runs the migrations.
public final class ForwardOutbox: Sendable {
    public let path: String
    /// The store's generation, sent with every record (see `ReadingStore.generation`).
    public let generation: String
    let queue: DatabaseQueue

    public init(path: String, synchronous: SynchronousMode) throws {
        self.path = path
        var configuration = Configuration()
        configuration.label = "GatewayStore.forwarder"
        configuration.busyMode = .timeout(5)
        let level = synchronous == .full ? "FULL" : "NORMAL"
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = \(level); PRAGMA temp_store = MEMORY;")
        }
        do {
            queue = try DatabaseQueue(path: path, configuration: configuration)
        } catch {
            throw StoreError.wrap(error, path: path, operation: "forward.open")
        }
        let queue = self.queue
        generation = try StoreError.context(path: path, operation: "forward.open") {
            try queue.read { db in
                guard try db.tableExists("forward_cursor"),
                    let generation = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'generation'")
                else {
                    throw StoreError(
                        code: .notAGatewayStore, message: "the store has no forward_cursor table (open ReadingStore first)",
                        path: path, operation: "forward.open")
                }
                return generation
            }
        }
    }

    /// The acknowledged cursors (0 for a stream never acknowledged).
    public func cursors() throws -> ForwardCursors {
        try run("forward.cursors") { db in
            var cursors = ForwardCursors()
            for row in try Row.fetchAll(db, sql: "SELECT stream, last_seq FROM forward_cursor") {
                let stream: String = row[0]
                let seq: Int64 = row[1]
                switch ForwardStream(rawValue: stream) {
                case .readings: cursors.readings = seq
                case .alertHistory: cursors.alertHistory = seq
                case .ticketHistory: cursors.ticketHistory = seq
                case nil: break
                }
            }
            return cursors
        }
    }

    /// Records the acknowledged cursors (one transaction). `now` stamps `updated_at`.
    public func save(_ cursors: ForwardCursors, now: EpochMillis) throws {
        try StoreError.context(path: path, operation: "forward.save") {
            try queue.inTransaction(.immediate) { db in
                let statement = try db.cachedStatement(sql: """
                    INSERT INTO forward_cursor(stream, last_seq, updated_at) VALUES (?, ?, ?)
                    ON CONFLICT(stream) DO UPDATE SET last_seq = excluded.last_seq, updated_at = excluded.updated_at
                        WHERE excluded.last_seq > forward_cursor.last_seq
                    """)
                for stream in ForwardStream.allCases {
                    try statement.execute(arguments: [stream.rawValue, cursors[stream], now])
                }
                return .commit
            }
        }
    }

    /// Readings after `afterSeq` in seq order, at most `limit`, from both tiers.
    ///
    /// Each tier is read as its own primary-key range with its own LIMIT and the two are merged here:
    /// a LIMIT over the UNION of both could make SQLite read a whole backlog of millions to sort it.
    public func readings(afterSeq: Int64, limit: Int) throws -> [OutboxReading] {
        try run("forward.readings") { db in
            func tier(_ table: String) throws -> [OutboxReading] {
                try Row.fetchAll(
                    db, sql: """
                        SELECT r.seq, s.utility, s.site, s.device, s.metric, r.value, s.unit, r.ts, r.received_at
                          FROM \(table) r JOIN series s ON s.id = r.series_id
                         WHERE r.seq > ? ORDER BY r.seq LIMIT ?
                        """, arguments: [afterSeq, limit]
                ).map { row in
                    OutboxReading(
                        seq: row[0], utility: row[1], site: row[2], device: row[3], metric: row[4], value: row[5],
                        unit: row[6], timestamp: row[7], receivedAt: row[8])
                }
            }
            let merged = (try tier("readings") + tier("readings_recent")).sorted { $0.seq < $1.seq }
            return Array(merged.prefix(limit))
        }
    }

    /// Alert and ticket history entries after the cursors, at most `limit` of each stream, merged
    /// by time (alert first on a tie); each stream stays in seq order.
    public func events(after cursors: ForwardCursors, limit: Int) throws -> [OutboxEvent] {
        try run("forward.events") { db in try Self.events(db, after: cursors, limit: limit) }
    }

    /// `events(after:limit:)` inside a read the caller holds (the webhooks read asynchronously).
    static func events(_ db: Database, after cursors: ForwardCursors, limit: Int) throws -> [OutboxEvent] {
        let alerts = try Row.fetchAll(
            db, sql: """
                SELECT seq, alert_id, ts, kind, state, actor, note, body FROM alert_history
                 WHERE seq > ? ORDER BY seq LIMIT ?
                """, arguments: [cursors.alertHistory, limit]
        ).map { row in
            OutboxEvent(
                stream: .alertHistory, seq: row[0], entityID: row[1], time: row[2], kind: row[3], state: row[4],
                actor: row[5], note: row[6], body: row[7])
        }
        let tickets = try Row.fetchAll(
            db, sql: """
                SELECT seq, ticket_id, ts, kind, actor, note, body FROM ticket_history
                 WHERE seq > ? ORDER BY seq LIMIT ?
                """, arguments: [cursors.ticketHistory, limit]
        ).map { row in
            OutboxEvent(
                stream: .ticketHistory, seq: row[0], entityID: row[1], time: row[2], kind: row[3], state: nil,
                actor: row[4], note: row[5], body: row[6])
        }
        return mergeByTime(alerts, tickets)
    }

    /// Two seq-ordered streams merged by time without reordering either.
    static func mergeByTime(_ a: [OutboxEvent], _ b: [OutboxEvent]) -> [OutboxEvent] {
        var merged: [OutboxEvent] = []
        merged.reserveCapacity(a.count + b.count)
        var i = 0
        var j = 0
        while i < a.count || j < b.count {
            if j >= b.count || (i < a.count && a[i].time <= b[j].time) {
                merged.append(a[i])
                i += 1
            } else {
                merged.append(b[j])
                j += 1
            }
        }
        return merged
    }

    /// What is waiting after the cursors: readings (count and oldest event time) and events.
    ///
    /// Counting scans the backlog's rows (a range of the seq primary keys): call it every few
    /// seconds, not per batch.
    public func backlog(after cursors: ForwardCursors) throws -> ForwardBacklog {
        try run("forward.backlog") { db in
            let readings = try Row.fetchOne(
                db, sql: """
                    SELECT (SELECT count(*) FROM readings_recent WHERE seq > ?1) + (SELECT count(*) FROM readings WHERE seq > ?1),
                           min((SELECT min(received_at) FROM readings_recent WHERE seq > ?1),
                               coalesce((SELECT min(received_at) FROM readings WHERE seq > ?1), 9223372036854775807))
                    """, arguments: [cursors.readings])
            let events = try Int.fetchOne(
                db, sql: "SELECT (SELECT count(*) FROM alert_history WHERE seq > ?) + (SELECT count(*) FROM ticket_history WHERE seq > ?)",
                arguments: [cursors.alertHistory, cursors.ticketHistory]) ?? 0
            let count: Int = readings?[0] ?? 0
            let oldest: Int64? = readings?[1]
            return ForwardBacklog(
                readings: count, oldestReceivedAt: count > 0 && oldest != Int64.max ? oldest : nil, events: events)
        }
    }

    /// Closes the connection.
    public func close() throws {
        try StoreError.context(path: path, operation: "forward.close") { try queue.close() }
    }

    private func run<T>(_ operation: String, _ body: (Database) throws -> T) throws -> T {
        try StoreError.context(path: path, operation: operation) { try queue.read(body) }
    }
}
