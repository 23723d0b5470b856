import Foundation
import GRDB
import GatewayCore

extension ReadingStore {
    /// Merges the hot tier into the main tier when it is due (≥ `mergeThresholdRows` rows, or its
    /// oldest row older than `mergeMaxAgeSeconds`). Returns whether it merged.
    ///
    /// The ingest loop calls this after it has sent a batch's acks, so a merge never delays an ack;
    /// it may delay the next batch by the merge's duration (see bench/store for figures).
    public func maintenanceIfDue() throws -> Bool {
        try state.withLock { state in
            try checkOpen(state, "merge")
            guard isMergeDue(state) else { return false }
            _ = try merge(&state)
            return true
        }
    }

    /// Merges the hot tier now, whatever its size; returns how many rows moved. For shutdown,
    /// maintenance commands and tests.
    @discardableResult
    public func mergeNow() throws -> Int {
        try state.withLock { state in
            try checkOpen(state, "merge")
            return try merge(&state)
        }
    }

    func isMergeDue(_ state: borrowing WriterState) -> Bool {
        guard state.recentRows > 0 else { return false }
        if state.recentRows >= mergeThresholdRows { return true }
        guard let since = state.recentSince else { return false }
        return ContinuousClock.now - since >= mergeMaxAge
    }

    /// Moves every row of `readings_recent` into `readings` in ONE transaction, sorted by
    /// (series_id, ts) so that the device-first index is written once per series, and raises the
    /// watermark (invariant 5) in the same transaction.
    private func merge(_ state: inout WriterState) throws -> Int {
        let started = ContinuousClock.now
        var moved = 0
        var offered = 0
        var watermark = state.watermark
        try StoreError.context(path: path, operation: "merge") {
            try queue.inTransaction(.immediate) { db in
                moved = 0
                offered = 0
                watermark = state.watermark
                guard let maxSeq = try Int64.fetchOne(db, sql: "SELECT max(seq) FROM readings_recent"),
                    let maxTs = try Int64.fetchOne(db, sql: "SELECT max(ts) FROM readings_recent")
                else { return .commit }
                try db.execute(
                    sql: """
                        INSERT OR IGNORE INTO readings(seq, series_id, ts, value, received_at, quality, topic_id)
                        SELECT seq, series_id, ts, value, received_at, quality, topic_id
                          FROM readings_recent WHERE seq <= ? ORDER BY \(ProcessInfo.processInfo.environment["MERGE_ORDER"] ?? "series_id, ts")
                        """, arguments: [maxSeq])
                moved = db.changesCount
                if ProcessInfo.processInfo.environment["MERGE_DELETE_ALL"] != nil { try db.execute(sql: "DELETE FROM readings_recent") } else { try db.execute(sql: "DELETE FROM readings_recent WHERE seq <= ?", arguments: [maxSeq]) }
                offered = db.changesCount
                let newWatermark = max(state.watermark ?? .min, maxTs)
                try db.execute(
                    sql: "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                    arguments: [MetaKey.mergeWatermark, String(newWatermark)])
                watermark = newWatermark
                return .commit
            }
        }
        state.watermark = watermark
        state.recentRows = 0
        state.recentSince = nil
        // Copy the merge's pages into the database file now, while we are off the ack path anyway;
        // otherwise SQLite's auto-checkpoint would do it inside the next commit. PASSIVE: never
        // waits for readers; what it cannot copy now, a later checkpoint will.
        do {
            try queue.writeWithoutTransaction { db in _ = try db.checkpoint(.passive) }
        } catch {
            logger.warning(
                "store.checkpoint_failed",
                metadata: ["store.path": "\(path)", "error": "\(StoreError.wrap(error, path: path, operation: "checkpoint"))"])
        }
        let elapsed = ContinuousClock.now - started
        logger.debug(
            "store.merged",
            metadata: [
                "store.merge.rows": "\(moved)", "store.merge.ignored": "\(offered - moved)",
                "store.merge.duration_ms": "\(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)",
                "store.merge.watermark_ts": "\(watermark.map(String.init) ?? "none")",
            ])
        return moved
    }
}
