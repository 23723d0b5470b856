import GRDB
import GatewayCore

extension ReadingStore {
    /// Merges the hot tier into the main tier when it is due (≥ `mergeThresholdRows` rows, or its
    /// oldest row older than `mergeMaxAgeSeconds`), one chunk per call: returns whether it moved a
    /// chunk (a merge in progress continues at the next call, due or not).
    ///
    /// The ingest loop calls this after it has sent a batch's acks, so a merge never delays an ack;
    /// a chunk delays the next batch by its own duration only — a few milliseconds to ~20 ms for
    /// 2,500 rows — where the whole merge of 50,000 rows in one transaction held the loop (and the
    /// store's write lock) for ~300 ms every few seconds, the tail of publish-to-commit latency
    /// (bench/run). Call it also when the loop wakes without messages, so that the age rule fires
    /// on a quiet feed.
    @discardableResult
    public func maintenanceIfDue() throws -> Bool {
        try state.withLock { state in
            try checkOpen(state, "merge")
            guard state.merge != nil || isMergeDue(state) else {
                syncIfDue(&state)
                return false
            }
            _ = try mergeChunk(&state)
            return true
        }
    }

    /// With `synchronous: normal` and a `syncInterval`: a passive checkpoint when the last one is
    /// that old. SQLite syncs the WAL before it copies frames into the database file (and the file
    /// after), so every commit before it survives a power cut; that is the whole point here — the
    /// copy is work SQLite's own checkpoint would do later anyway. PASSIVE never waits for readers
    /// nor blocks them; with no new frames it does no I/O at all. One limit: frames a reader's open
    /// snapshot still needs cannot be copied, and when none can, SQLite skips the sync too — a long
    /// query delays it until it ends. A failure changes nothing committed (the next call retries).
    func syncIfDue(_ state: inout WriterState) {
        guard let syncInterval, ContinuousClock.now - state.lastCheckpoint >= syncInterval else { return }
        checkpoint(&state)
    }

    /// A passive checkpoint, remembered for `syncIfDue`. PASSIVE: it never waits for readers; what
    /// a reader still needs is copied by a later one. A failure changes nothing committed.
    private func checkpoint(_ state: inout WriterState) {
        _ = try? queue.writeWithoutTransaction { db in try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(PASSIVE)") }
        state.lastCheckpoint = ContinuousClock.now
    }

    /// Merges the hot tier now, whatever its size, to the end; returns how many rows moved. For
    /// shutdown, maintenance commands and tests.
    @discardableResult
    public func mergeNow() throws -> Int {
        try state.withLock { state in
            try checkOpen(state, "merge")
            var moved = 0
            // A merge in progress first, then one of everything left.
            while state.merge != nil { moved += try mergeChunk(&state) }
            guard state.recentRows > 0 else { return moved }
            repeat { moved += try mergeChunk(&state) } while state.merge != nil
            return moved
        }
    }

    func isMergeDue(_ state: borrowing WriterState) -> Bool {
        guard state.recentRows > 0 else { return false }
        if state.recentRows >= mergeThresholdRows { return true }
        guard let since = state.recentSince else { return false }
        return ContinuousClock.now - since >= mergeMaxAge
    }

    /// Plans a merge of every hot row so far: series-id ranges of about `mergeChunkRows` rows each
    /// (a series is never split, so each series' index leaf in `readings` is written once per merge).
    ///
    /// The plan's rows are listed by series in `temp.merge_plan` (in memory: `temp_store = MEMORY`;
    /// not in the WAL, rolled back with the transaction that made it), so that a chunk finds its
    /// rows by seq — rowid lookups — instead of scanning the hot tier, which has no series-first
    /// index on purpose (DESIGN §8). Measured: with `WHERE seq <= ? AND series_id BETWEEN ? AND ?`
    /// each of a chunk's four statements scanned every hot row left, ~40 row visits per row merged,
    /// and the merge took 35 % of the daemon's CPU under a QoS 1 JSON load (`bench/profile
    /// --call-graph`), more than the ingest commits themselves.
    private func planMerge(_ db: Database) throws -> MergePlan? {
        guard let throughSeq = try Int64.fetchOne(db, sql: "SELECT max(seq) FROM readings_recent") else { return nil }
        try db.execute(sql: """
            CREATE TEMP TABLE IF NOT EXISTS merge_plan(
                series_id INTEGER NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (series_id, seq)) WITHOUT ROWID;
            DELETE FROM temp.merge_plan;
            """)
        try db.execute(
            sql: "INSERT INTO temp.merge_plan(series_id, seq) SELECT series_id, seq FROM readings_recent WHERE seq <= ?",
            arguments: [throughSeq])
        var ranges: [ClosedRange<Int64>] = []
        var start: Int64?
        var last: Int64 = 0
        var rows = 0
        let perSeries = try Row.fetchCursor(
            db, sql: "SELECT series_id, count(*) FROM temp.merge_plan GROUP BY series_id ORDER BY series_id")
        while let row = try perSeries.next() {
            let series: Int64 = row[0]
            if start == nil { start = series }
            last = series
            rows += row[1] as Int
            if rows >= mergeChunkRows {
                ranges.append(start!...series)
                start = nil
                rows = 0
            }
        }
        if let start { ranges.append(start...last) }
        return MergePlan(ranges: ArraySlice(ranges))
    }

    /// Moves one chunk — the hot rows up to the plan's seq of one series range — into `readings`
    /// in ONE transaction, sorted by (series_id, ts) so that the device-first index is written
    /// once per series, and raises the watermark (invariant 5) and the range's per-series
    /// aggregates (`series_stats`) in the same transaction. Every row is in exactly one tier at
    /// every commit, so readers never see a row twice or miss one. Starts a plan when none is in
    /// progress. Returns how many rows moved.
    private func mergeChunk(_ state: inout WriterState) throws -> Int {
        let started = ContinuousClock.now
        var moved = 0
        var offered = 0
        var watermark = state.watermark
        var plan = state.merge
        try StoreError.context(path: path, operation: "merge") {
            try queue.inTransaction(.immediate) { db in
                moved = 0
                offered = 0
                watermark = state.watermark
                plan = try state.merge ?? planMerge(db)
                guard let current = plan, let range = current.ranges.first else { return .commit }
                let arguments: StatementArguments = [range.lowerBound, range.upperBound]
                let rows = "FROM readings_recent WHERE seq IN (SELECT seq FROM temp.merge_plan WHERE series_id BETWEEN ? AND ?)"
                // No rows left in the range (the buffer keeper deleted them): it is done all the same.
                if let maxTs = try Int64.fetchOne(db, sql: "SELECT max(ts) \(rows)", arguments: arguments) {
                    try db.execute(
                        sql: """
                            INSERT INTO series_stats(series_id, row_count, first_ts, last_ts, min_value, max_value, sum_value)
                            SELECT series_id, count(*), min(ts), max(ts), min(value), max(value), sum(value)
                              \(rows) GROUP BY series_id
                            ON CONFLICT(series_id) DO UPDATE SET
                                row_count = row_count + excluded.row_count,
                                first_ts = min(first_ts, excluded.first_ts), last_ts = max(last_ts, excluded.last_ts),
                                min_value = min(min_value, excluded.min_value), max_value = max(max_value, excluded.max_value),
                                sum_value = sum_value + excluded.sum_value
                            """, arguments: arguments)
                    try db.execute(
                        sql: """
                            INSERT OR IGNORE INTO readings(seq, series_id, ts, value, received_at, quality, topic_id)
                            SELECT seq, series_id, ts, value, received_at, quality, topic_id
                              \(rows) ORDER BY series_id, ts
                            """, arguments: arguments)
                    moved = db.changesCount
                    try db.execute(sql: "DELETE \(rows)", arguments: arguments)
                    offered = db.changesCount
                    let newWatermark = max(state.watermark ?? .min, maxTs)
                    try db.execute(
                        sql: "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                        arguments: [MetaKey.mergeWatermark, String(newWatermark)])
                    watermark = newWatermark
                }
                plan?.ranges.removeFirst()
                if plan?.ranges.isEmpty == true { try db.execute(sql: "DELETE FROM temp.merge_plan") }
                return .commit
            }
        }
        // Committed: only now may the in-memory state follow.
        state.watermark = watermark
        state.merge = plan.flatMap { $0.ranges.isEmpty ? nil : $0 }
        state.recentRows = max(0, state.recentRows - offered)
        if state.merge == nil {
            // Rows committed while the merge ran are still hot: they count as old as its end.
            state.recentSince = state.recentRows > 0 ? ContinuousClock.now : nil
        }
        // A chunk leaves a few hundred pages in the WAL. Copying them into the database file now, in
        // maintenance, keeps the WAL under `wal_autocheckpoint` (1,000 pages), so that SQLite's own
        // checkpoint seldom runs inside an ingest commit, on the ack path.
        checkpoint(&state)
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
                "store.merge.chunks_left": "\(state.merge?.ranges.count ?? 0)",
                "store.merge.duration_ms": "\(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)",
                "store.merge.watermark_ts": "\(watermark.map(String.init) ?? "none")",
            ])
        return moved
    }
}
