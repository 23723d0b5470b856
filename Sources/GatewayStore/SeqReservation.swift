import GRDB
import GatewayCore

/// Seq numbers are never handed out twice, even across a power loss (issue 6).
///
/// A stream's seq comes from AUTOINCREMENT, whose counter lives in `sqlite_sequence` — a row of
/// the same database. With `synchronous: normal` a power cut loses every commit since the WAL was
/// last synced (see the README, "Power loss, measured"), and the counter rolls back with them: the
/// next readings got the lost ones' seqs again, under the same generation. Central deduplicates by
/// (gateway, generation, seq), so a reading forwarded before the cut and a new one after it with
/// the same seq looked like one record, and central dropped the new one.
///
/// So seqs are handed out only below a **reservation made durable first**: before a commit would
/// take a seq past `meta.seq_reserved.<table>`, the writer records a reservation one block further
/// in a transaction of its own with `synchronous = FULL` for that one commit (so it — and every
/// frame before it — is on disk when it returns), and every open moves each counter up to its
/// reservation. After a power cut the counter may roll back, but never below a seq that was
/// handed out, and the next seq lies past all of them. A clean close gives the unused part of the
/// blocks back, so seqs run on without a gap after an orderly restart.
///
/// Cost: one synced commit per block (a million readings; at 80,000 readings/s one every ~12 s)
/// and, after an unclean stop, a gap of at most a block in each stream's seqs — gaps are allowed
/// (a skipped duplicate consumes a seq too).
enum SeqReservation {
    /// The streams whose seqs leave the gateway (uplink, webhooks), and their block sizes.
    static let blocks: [(table: String, block: Int64)] = [
        ("readings_recent", 1_000_000), ("alert_history", 10_000), ("ticket_history", 10_000),
    ]

    static func metaKey(_ table: String) -> String { "seq_reserved." + table }

    /// The highest seq `table` handed out (its `sqlite_sequence` row; 0 before the first).
    static func issued(_ table: String, _ db: Database) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = ?", arguments: [table]) ?? 0
    }

    static func reserved(_ table: String, _ db: Database) throws -> Int64 {
        try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = ?", arguments: [metaKey(table)])
            .flatMap { Int64($0) } ?? 0
    }

    /// At open, inside its write transaction: moves every counter up to its reservation, and
    /// returns the reservations (the writer's starting point).
    static func resume(_ db: Database) throws -> [String: SeqCounter] {
        var counters: [String: SeqCounter] = [:]
        for (table, _) in blocks {
            let reserved = try reserved(table, db)
            var issued = try issued(table, db)
            if reserved > issued {
                try db.execute(sql: "UPDATE sqlite_sequence SET seq = ? WHERE name = ?", arguments: [reserved, table])
                if db.changesCount == 0 {
                    try db.execute(sql: "INSERT INTO sqlite_sequence(name, seq) VALUES (?, ?)", arguments: [table, reserved])
                }
                issued = reserved
            }
            counters[table] = SeqCounter(issued: issued, reserved: reserved)
        }
        return counters
    }

    /// Before a commit that may take up to `count` seqs of `table`: makes a reservation that
    /// covers them durable, when the current one does not. Called on the writer, outside a
    /// transaction.
    static func ensure(
        _ count: Int, of table: String, _ counters: inout [String: SeqCounter], synchronous: SynchronousMode,
        _ queue: DatabaseQueue
    ) throws {
        guard count > 0, var counter = counters[table] else { return }
        guard counter.issued + Int64(count) > counter.reserved else { return }
        let block = blocks.first { $0.table == table }?.block ?? 1_000_000
        let through = counter.issued + Int64(count) + block
        try queue.writeWithoutTransaction { db in
            // FULL for this one commit: its WAL frame, and every frame before it, reach the disk
            // before it returns. Under `full` every commit already does.
            if synchronous == .normal { try db.execute(sql: "PRAGMA synchronous = FULL") }
            defer { if synchronous == .normal { try? db.execute(sql: "PRAGMA synchronous = NORMAL") } }
            try db.inTransaction(.immediate) {
                try db.execute(
                    sql: "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                    arguments: [metaKey(table), String(through)])
                return .commit
            }
        }
        counter.reserved = through
        counters[table] = counter
    }

    /// After a commit: what `table` has handed out now.
    static func noteIssued(_ table: String, _ db: Database, _ counters: inout [String: SeqCounter]) throws {
        counters[table]?.issued = try issued(table, db)
    }

    /// At a clean close: gives back the unused part of every block, so the next open continues
    /// without a gap.
    static func release(_ db: Database) throws {
        for (table, _) in blocks {
            try db.execute(
                sql: "UPDATE meta SET value = ? WHERE key = ?", arguments: [String(try issued(table, db)), metaKey(table)])
        }
    }
}

/// One stream's seqs: the highest handed out and the highest durably reserved.
struct SeqCounter: Sendable, Equatable {
    var issued: Int64
    var reserved: Int64
}
