// BufferKeeper — the buffer policy (issue 6): retention of forwarded readings, and the size bound.
//
// INVARIANTS
//  1. Only readings are deleted. Alerts, tickets, their histories, gateway events and the
//     quarantine (which has its own bound) are never touched by this policy.
//  2. Exact accounting. Every deleted reading is added to `buffer_counters` (schema v3) in the same
//     transaction that deletes it: the totals survive crashes and never drift.
//  3. Oldest first, by seq, in chunks of `chunkRows` per transaction, so that the write lock (which
//     the ingest commits also need) is held briefly. A chunk is a prefix of each tier in seq order,
//     so it is deleted with `seq <= x` on the primary keys.
//  4. Retention (age by *receipt*, `received_at`, which follows seq; a backfilled old reading is not
//     deleted the moment it arrives) deletes only readings the uplink has forwarded
//     (`seq <= forward_cursor.readings`) when forwarding is on; without an uplink, every old reading.
//  6. Clock steps never mass-delete (see `RetentionClockGuard`): the retention cutoff only moves
//     forward as fast as real (monotonic) time allows from the cutoff of the last pass, which is kept
//     in `meta` (`buffer.retention_cutoff_ms`) so that a restart under a jumped clock is covered too.
//  5. `series_stats` stays exact for the rows left in `readings`: count and sum are decremented,
//     first/last ts re-read through the (series_id, ts) index, min/max re-scanned only for a series
//     whose extreme value was among the deleted rows — each such series in a short transaction of
//     its own right after the chunk's, never inside it: a chunk of old rows spans the whole fleet,
//     and re-scanning thousands of series while holding the write lock kept ingest commits waiting
//     past their busy timeout (measured on a 10M-reading store: seconds per chunk). Between the
//     two commits a series' min/max may still count a deleted extreme; `enforce` returns only
//     after every rescan.
//  7. A pass stops between chunks when asked (`shouldStop`), so that a long first pass (a large
//     store past its retention) never holds up the daemon's shutdown.
import Foundation
import GRDB
import GatewayCore

/// Enforces the buffer policy on a connection of its own (see the invariants above).
public final class BufferKeeper: Sendable {
    public let path: String
    let queue: DatabaseQueue
    let chunkRows: Int

    /// Open it after `ReadingStore`, which creates the file and runs the migrations.
    public init(path: String, synchronous: SynchronousMode, chunkRows: Int = 5_000) throws {
        self.path = path
        self.chunkRows = max(1, chunkRows)
        var configuration = Configuration()
        configuration.label = "GatewayStore.buffer"
        configuration.busyMode = .timeout(5)
        let level = synchronous == .full ? "FULL" : "NORMAL"
        configuration.prepareDatabase { db in
            // secure_delete FAST for the same reason as the writer (StoreConnection.writer).
            try db.execute(sql: "PRAGMA synchronous = \(level); PRAGMA secure_delete = FAST; PRAGMA temp_store = MEMORY;")
        }
        do {
            queue = try DatabaseQueue(path: path, configuration: configuration)
        } catch {
            throw StoreError.wrap(error, path: path, operation: "buffer.open")
        }
    }

    /// The totals so far.
    public func totals() throws -> BufferTotals {
        try StoreError.context(path: path, operation: "buffer.totals") {
            try queue.read { db in
                var totals = BufferTotals()
                for row in try Row.fetchAll(db, sql: "SELECT key, value FROM buffer_counters") {
                    let key: String = row[0]
                    let value: Int = row[1]
                    switch key {
                    case "retention_deleted": totals.retentionDeleted = value
                    case "dropped": totals.dropped = value
                    case "dropped_unforwarded": totals.droppedUnforwarded = value
                    default: break
                    }
                }
                return totals
            }
        }
    }

    /// Pages in use × page size: what the file would measure after a full vacuum.
    public func usedBytes() throws -> Int64 {
        try StoreError.context(path: path, operation: "buffer.size") { try queue.read(Self.usedBytes) }
    }

    static func usedBytes(_ db: Database) throws -> Int64 {
        let pages = try Int64.fetchOne(db, sql: "PRAGMA page_count") ?? 0
        let free = try Int64.fetchOne(db, sql: "PRAGMA freelist_count") ?? 0
        let size = try Int64.fetchOne(db, sql: "PRAGMA page_size") ?? 4096
        return (pages - free) * size
    }

    /// One pass: retention, then the size bound (down to 90 % of `maxBytes`, so that one pass does
    /// not follow another at every commit), then gives freed pages back to the file system.
    ///
    /// - Parameters:
    ///   - elapsed: monotonic time since this process's previous pass (`nil` for its first): how far
    ///     the retention cutoff may move (invariant 6).
    ///   - sizeLimit: a bound below `policy.maxBytes` for this pass only (the disk filled up before
    ///     the store reached `maxBytes`); `nil` for `maxBytes`.
    ///   - shouldStop: asked between chunks; `true` ends the pass early (invariant 7).
    public func enforce(
        _ policy: BufferPolicy, now: EpochMillis, elapsed: Duration? = nil, sizeLimit: Int64? = nil,
        shouldStop: () -> Bool = { false }
    ) throws -> BufferPass {
        var pass = BufferPass()
        try StoreError.context(path: path, operation: "buffer.enforce") {
            let wanted = now - policy.retentionMillis
            let previous = try queue.read { db in
                try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = ?", arguments: [Self.cutoffKey]).flatMap { EpochMillis($0) }
            }
            let cutoff = RetentionClockGuard.cutoff(wanted: wanted, previous: previous, elapsed: elapsed)
            pass.retentionHeldBackMillis = wanted - cutoff
            if previous != cutoff {
                // `try?`: on a full disk this small write may fail; the older saved cutoff is then
                // the more conservative one (the caller measures `elapsed` from the last pass that
                // saved it), and the deletions below report the disk error anyway.
                pass.cutoffSaved = (try? queue.write { db in
                    try db.execute(
                        sql: "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                        arguments: [Self.cutoffKey, String(cutoff)])
                }) != nil
            }
            if sizeLimit != nil {
                // The disk is full: the WAL may be what filled it. Copying it into the database and
                // truncating it is the one way to give that space back (it fails harmlessly when
                // even that needs room).
                _ = try? queue.writeWithoutTransaction { db in try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
            }
            while true {
                let chunk = try deleteChunk(
                    receivedBefore: cutoff, onlyForwarded: policy.forwarding, forwarding: policy.forwarding, reason: .retention)
                pass.deleted.retentionDeleted += chunk.deleted
                if chunk.deleted < chunkRows || shouldStop() { break }
            }
            var used = try queue.read(Self.usedBytes)
            pass.peakUsedBytes = used
            let limit = min(policy.maxBytes, sizeLimit ?? policy.maxBytes)
            if used > limit && policy.dropOldestWhenFull {
                let target = limit / 10 * 9
                while used > target {
                    let chunk = try deleteChunk(
                        receivedBefore: nil, onlyForwarded: false, forwarding: policy.forwarding, reason: .full)
                    pass.deleted.dropped += chunk.deleted
                    pass.deleted.droppedUnforwarded += chunk.unforwarded
                    if chunk.deleted == 0 || shouldStop() { break }
                    used = try queue.read(Self.usedBytes)
                }
            }
            if pass.deleted.retentionDeleted + pass.deleted.dropped > 0 {
                // The vacuum shrinks the file in the WAL; a passive checkpoint (never waits for, nor
                // blocks, the ingest writer) carries that into the database file when it can.
                try queue.writeWithoutTransaction { db in
                    try db.execute(sql: "PRAGMA incremental_vacuum")
                    _ = try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(PASSIVE)")
                }
            }
            pass.usedBytes = try queue.read(Self.usedBytes)
            pass.peakUsedBytes = max(pass.peakUsedBytes, pass.usedBytes)
            pass.full = pass.usedBytes > policy.maxBytes
        }
        return pass
    }

    /// The `meta` key that keeps the last retention cutoff (invariant 6).
    static let cutoffKey = "buffer.retention_cutoff_ms"

    enum Reason { case retention, full }

    /// Deletes up to `chunkRows` of the oldest readings (by seq) in one transaction and counts them.
    /// `forwarding`: whether an uplink forwards (without one, no reading is "unforwarded").
    private func deleteChunk(
        receivedBefore cutoff: EpochMillis?, onlyForwarded: Bool, forwarding: Bool, reason: Reason
    ) throws -> (deleted: Int, unforwarded: Int) {
        var result = (deleted: 0, unforwarded: 0)
        var staleExtremes: [Int64] = []
        // IMMEDIATE: take the write lock first, so that the snapshot the chunk is chosen from is the
        // one it is deleted from (a deferred read-then-write would fail with SQLITE_BUSY_SNAPSHOT).
        try queue.inTransaction(.immediate) { db in
            result = (0, 0)
            staleExtremes = []
            let forwarded = try Int64.fetchOne(db, sql: "SELECT last_seq FROM forward_cursor WHERE stream = 'readings'") ?? 0
            struct Row1 { let seq: Int64; let main: Bool; let series: Int64; let value: Double; let receivedAt: Int64 }
            func tier(_ table: String, main: Bool) throws -> [Row1] {
                try Row.fetchAll(
                    db, sql: "SELECT seq, series_id, value, received_at FROM \(table) ORDER BY seq LIMIT ?",
                    arguments: [chunkRows]
                ).map { Row1(seq: $0[0], main: main, series: $0[1], value: $0[2], receivedAt: $0[3]) }
            }
            var chosen: [Row1] = []
            for row in (try tier("readings", main: true) + tier("readings_recent", main: false)).sorted(by: { $0.seq < $1.seq }) {
                if chosen.count >= chunkRows { break }
                if let cutoff, row.receivedAt >= cutoff { break }
                if onlyForwarded && row.seq > forwarded { break }
                chosen.append(row)
            }
            guard !chosen.isEmpty else { return .commit }
            var perSeries: [Int64: (count: Int, sum: Double, min: Double, max: Double)] = [:]
            for row in chosen where row.main {
                let old = perSeries[row.series] ?? (0, 0, .infinity, -.infinity)
                perSeries[row.series] = (old.count + 1, old.sum + row.value, Swift.min(old.min, row.value), Swift.max(old.max, row.value))
            }
            if let lastMain = chosen.last(where: \.main)?.seq {
                try db.execute(sql: "DELETE FROM readings WHERE seq <= ?", arguments: [lastMain])
            }
            if let lastRecent = chosen.last(where: { !$0.main })?.seq {
                try db.execute(sql: "DELETE FROM readings_recent WHERE seq <= ?", arguments: [lastRecent])
            }
            for (series, deleted) in perSeries.sorted(by: { $0.key < $1.key }) {
                if try Self.adjustStats(db, series: series, deleted: deleted) { staleExtremes.append(series) }
            }
            let unforwarded = forwarding ? chosen.filter { $0.seq > forwarded }.count : 0
            let add = try db.cachedStatement(sql: """
                INSERT INTO buffer_counters(key, value) VALUES (?, ?)
                ON CONFLICT(key) DO UPDATE SET value = value + excluded.value
                """)
            switch reason {
            case .retention:
                try add.execute(arguments: ["retention_deleted", chosen.count])
            case .full:
                try add.execute(arguments: ["dropped", chosen.count])
                try add.execute(arguments: ["dropped_unforwarded", unforwarded])
            }
            result = (chosen.count, unforwarded)
            return .commit
        }
        // A few series per transaction: short lock holds, and not one commit (an fsync under
        // `full`) per series.
        for start in stride(from: 0, to: staleExtremes.count, by: 32) {
            try queue.inTransaction(.immediate) { db in
                let rescan = try db.cachedStatement(sql: """
                    UPDATE series_stats SET min_value = (SELECT min(value) FROM readings WHERE series_id = ?1),
                        max_value = (SELECT max(value) FROM readings WHERE series_id = ?1)
                     WHERE series_id = ?1
                    """)
                for series in staleExtremes[start..<min(staleExtremes.count, start + 32)] {
                    try rescan.execute(arguments: [series])
                }
                return .commit
            }
        }
        return result
    }

    /// Keeps `series_stats` exact after rows of `series` left `readings` (invariant 5), but for its
    /// min/max when a deleted value was an extreme: returns `true` then, and the caller re-scans
    /// them after the chunk's commit.
    private static func adjustStats(_ db: Database, series: Int64, deleted: (count: Int, sum: Double, min: Double, max: Double)) throws -> Bool {
        guard let stats = try Row.fetchOne(
            db, sql: "SELECT row_count, min_value, max_value FROM series_stats WHERE series_id = ?", arguments: [series])
        else { return false }
        let count: Int = stats[0]
        guard count > deleted.count else {
            try db.execute(sql: "DELETE FROM series_stats WHERE series_id = ?", arguments: [series])
            return false
        }
        let minimum: Double = stats[1]
        let maximum: Double = stats[2]
        try db.execute(
            sql: """
                UPDATE series_stats SET row_count = row_count - ?2, sum_value = sum_value - ?3,
                    first_ts = (SELECT min(ts) FROM readings WHERE series_id = ?1),
                    last_ts = (SELECT max(ts) FROM readings WHERE series_id = ?1)
                 WHERE series_id = ?1
                """, arguments: [series, deleted.count, deleted.sum])
        return deleted.min <= minimum || deleted.max >= maximum
    }

    public func close() throws {
        try StoreError.context(path: path, operation: "buffer.close") { try queue.close() }
    }
}
