import GRDB
import GatewayCore

extension ReadingStore {
    /// Merges the hot tier into the main tier when it is due (≥ `mergeThresholdRows` rows, or its
    /// oldest row older than `mergeMaxAgeSeconds`). Returns whether it merged.
    ///
    /// The ingest loop calls this after it has sent a batch's acks, so a merge never delays an ack;
    /// it may delay the next batch by the merge's duration (p50 ~280 ms, max ~335 ms at 10M rows,
    /// see bench/store). Call it also when the loop wakes without messages, so that the age rule
    /// fires on a quiet feed.
    @discardableResult
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
    /// watermark (invariant 5) and the per-series aggregates (`series_stats`) in the same
    /// transaction. The merge's commit leaves more than 1,000
    /// pages in the WAL, so SQLite's auto-checkpoint copies them into the database file right
    /// there, inside maintenance, rather than inside a later commit on the ack path.
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
                        INSERT INTO series_stats(series_id, row_count, first_ts, last_ts, min_value, max_value, sum_value)
                        SELECT series_id, count(*), min(ts), max(ts), min(value), max(value), sum(value)
                          FROM readings_recent WHERE seq <= ? GROUP BY series_id
                        ON CONFLICT(series_id) DO UPDATE SET
                            row_count = row_count + excluded.row_count,
                            first_ts = min(first_ts, excluded.first_ts), last_ts = max(last_ts, excluded.last_ts),
                            min_value = min(min_value, excluded.min_value), max_value = max(max_value, excluded.max_value),
                            sum_value = sum_value + excluded.sum_value
                        """, arguments: [maxSeq])
                try db.execute(
                    sql: """
                        INSERT OR IGNORE INTO readings(seq, series_id, ts, value, received_at, quality, topic_id)
                        SELECT seq, series_id, ts, value, received_at, quality, topic_id
                          FROM readings_recent WHERE seq <= ? ORDER BY series_id, ts
                        """, arguments: [maxSeq])
                moved = db.changesCount
                try db.execute(sql: "DELETE FROM readings_recent WHERE seq <= ?", arguments: [maxSeq])
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
        let elapsed = ContinuousClock.now - started
        if offered > moved {
            // Invariant 5 says this cannot happen; the rows are safe (their keys are in `readings`).
            logger.warning(
                "store.merge.ignored_rows",
                metadata: ["store.path": "\(path)", "store.merge.ignored": "\(offered - moved)"])
        }
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
