// GatewayStore — the SQLite file that holds every reading the gateway has acknowledged.
//
// INVARIANTS
//  1. Ack after commit. `commit(_:)` returns only when its transaction is durable as far as the
//     `synchronous` setting promises (NORMAL: survives a process crash; FULL: also a power loss).
//     The readings, quarantine records and events of one `IngestBatch` form ONE transaction: on any
//     failure, `SQLITE_FULL` included, all of it is rolled back and `commit` throws, so the ingest
//     loop withholds the acks and the broker redelivers.
//  2. One writer. `ReadingStore` is the only writer of its file (the ingest loop, one thread); its
//     methods also serialise on a mutex. Readers (`StoreReader`, other processes) use WAL snapshots.
//  3. Natural key. (utility, site, device, metric, ts) — i.e. (series_id, ts) — identifies a
//     reading. The first copy stored wins; later copies are counted as duplicates, whichever tier
//     the first copy is in. Every reading is in exactly one of `readings_recent` / `readings`.
//  4. seq. Assigned on insert into `readings_recent` by AUTOINCREMENT: strictly increasing in commit
//     order, never reused — `sqlite_sequence` keeps the highest ever given even after those rows
//     moved to `readings` or were deleted. A merge moves a row with its seq.
//  5. Watermark W (`meta.merge_watermark_ts`): every row of `readings` has ts <= W. A reading with
//     ts > W therefore cannot already be in `readings`; ingest probes `readings` only when ts <= W
//     (late or replayed data). W only grows, so one device with a clock far in the future makes
//     later readings of every device pay the probe (a B-tree lookup, no write) until time catches
//     up: correct, a little slower.
//  6. The writer's in-memory caches (series ids, topic ids, W, the hot tier's row count) change only
//     after the transaction that made them true has committed: a rolled-back commit leaves no ids
//     in the cache that the database does not have.
//
// ON-DISK FORMAT (SQLite 3, page size 4096, journal_mode=WAL, auto_vacuum=INCREMENTAL set before
// the first table; schema by numbered migrations in `Migrations.swift`, tracked by GRDB in
// `grdb_migrations`):
//   meta(key PK, value)                  generation (random hex id made in SQL with the file),
//                                         schema = 'utility-gateway-store', created_at,
//                                         merge_watermark_ts (absent until the first merge), and
//                                         keys other components set (`setMetaValue`).
//   series(id PK, utility, site, device, metric, unit, UNIQUE(utility, site, device, metric))
//   topics(id PK, name UNIQUE)
//   readings_recent(seq PK AUTOINCREMENT, series_id, ts, value REAL, received_at, quality, topic_id,
//                   UNIQUE(ts, series_id))   — hot tier: ts-first, so inserts append.
//   readings(seq PK, same columns, UNIQUE(series_id, ts)) — main tier: device-first for queries.
//   series_stats(series_id PK, row_count, first_ts, last_ts, min_value, max_value, sum_value)
//                                         — aggregates of `readings` per series, kept by each merge.
//   readings_all (view)                   — both tiers joined to series and topics.
//   quarantine(id PK AUTOINCREMENT, received_at, topic, route, reason, message, payload BLOB,
//              payload_size), index on received_at.
//   events(id PK AUTOINCREMENT, ts, kind, message).
//   Times are UTC epoch milliseconds (INTEGER); quality is the `QualityFlags` bit set.
//
// WHY TWO TIERS (DESIGN §8). A device-first index written on every commit dirties one leaf page per
// series per commit: ~4 KB of WAL per row, 44k rows/s at 1M rows. So ingest inserts only into the
// ts-first hot tier, and a merge moves the hot tier into `readings`, sorted by (series_id, ts): each
// series' index leaf is dirtied once per merge instead of once per row. The merge runs in chunks of
// whole series (~2,500 rows, one transaction each, one chunk per `maintenanceIfDue()` call), so the
// ingest loop and the write lock are never held for a whole merge (~300 ms at 50,000 rows).
// Merge when the hot tier holds `mergeThresholdRows` rows (default 50,000) or its oldest row is
// `mergeMaxAgeSeconds` old (default 60 s); the ingest loop calls `maintenanceIfDue()` after it has
// sent the acks, so a merge never delays an ack.
//
// MEASURED here (bench/store, 10M rows, 1,000 devices × 4 metrics = 4,000 series, batches of
// 1,000, synchronous=NORMAL, all three layouts in one run; command and full table in
// bench/store/main.swift):
//                      ingest rate AT 10M   commit p50 (ack path)   device+metric 24 h   device last 100
//   two-tier (this)       125k rows/s           1.9 ms                 6.1 ms              0.8 ms
//   ts-first only         715k rows/s           1.2 ms             1,873 ms               18 ms
//   device-first only      40k rows/s          22.8 ms                 2.0 ms              0.4 ms
// Two-tier: 3× the device-first ingest rate with queries of a few ms, and a twelfth of its commit
// latency. Merges of 50,000 rows: p50 277 ms, max 335 ms, ~47 MiB of WAL each; 70% of store time.
// Merge threshold: in an earlier run (before `series_stats`), 200,000 rows gave ~160k rows/s at
// 10M (+27%) but merges of 0.77–1.0 s, during which the ingest loop reads nothing: a merge is
// CPU-bound per row (sort + two B-tree inserts + delete), so a bigger threshold buys little.
// 50,000 stays the default: short pauses, and 3× the broker's own QoS 1 ceiling here (25k–39k
// msgs/s, DESIGN §2). synchronous=FULL measured the same as NORMAL (~121k rows/s at 10M). ORDER BY
// seq instead of (series_id, ts) in the merge measured slower (random index inserts).
//
// The `readings_all` view is for ad-hoc SQL (sqlite3 CLI); `StoreReader` plans its queries itself
// (see `StoreReader+Queries.swift`).
import Foundation
import GRDB
import GatewayCore
import Logging
import Synchronization

/// The store's one writer: commits ingest batches, merges the hot tier, keeps `meta`.
///
/// Synchronous on purpose: the ingest loop calls it from its own thread, between reading a batch
/// from the socket and writing the acks (DESIGN §2), so `commit` returning *is* the moment the acks
/// may go. It is a `DatabaseQueue` — one connection — rather than a `DatabasePool`: the writer
/// never reads concurrently with itself, and operator reads go through `StoreReader`, which opens
/// its own read-only connections (in this process or in `utility-gatewayctl`).
public final class ReadingStore: Sendable {
    /// The database file.
    public let path: String
    /// The random id the database was created with; a new file means a new generation, so a
    /// consumer keyed on (generation, seq) can tell a reset store from a continuing one.
    public let generation: String
    /// Whether the previous writer never closed the store (kill -9, a crash, power loss): the
    /// daemon then runs a full integrity check in the background (`StoreIntegrity`).
    public let previousRunEndedUncleanly: Bool

    let queue: DatabaseQueue
    let logger: Logger
    let synchronous: SynchronousMode
    let mergeThresholdRows: Int
    let mergeMaxAge: Duration
    let mergeChunkRows: Int
    /// With `synchronous: normal`, how long a commit may stay unsynced at most (see `syncIfDue`);
    /// `nil`: only SQLite's own checkpoints and the merge's sync it.
    let syncInterval: Duration?
    let state: Mutex<WriterState>

    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    ///
    /// The parent folder must exist: the caller owns the state directory. Throws a `StoreError`
    /// naming the path when the file cannot be opened or belongs to a newer release.
    /// - Parameters:
    ///   - mergeThresholdRows: merge the hot tier once it holds this many rows.
    ///   - mergeMaxAgeSeconds: merge the hot tier once its oldest row is this old (monotonic).
    ///   - mergeChunkRows: a merge moves about this many rows per transaction (whole series each).
    ///   - syncIntervalSeconds: with `normal`, `maintenanceIfDue()` syncs the WAL when this long has
    ///     passed since the last sync (`storage.sync_interval`); `nil` leaves it to SQLite and the merge.
    public init(
        path: String, synchronous: SynchronousMode, logger: Logger, mergeThresholdRows: Int = 50_000,
        mergeMaxAgeSeconds: Double = 60, mergeChunkRows: Int = 2_500, syncIntervalSeconds: Double? = nil
    ) throws {
        self.path = path
        self.logger = logger
        self.synchronous = synchronous
        self.mergeThresholdRows = max(1, mergeThresholdRows)
        self.mergeMaxAge = .milliseconds(Int64((max(0, mergeMaxAgeSeconds) * 1000).rounded()))
        self.mergeChunkRows = max(1, mergeChunkRows)
        self.syncInterval = synchronous == .normal ? syncIntervalSeconds.map { .seconds(max(0, $0)) } : nil

        let queue: DatabaseQueue
        do {
            queue = try DatabaseQueue(path: path, configuration: StoreConnection.writer(synchronous: synchronous))
        } catch {
            var failure = StoreError.wrap(error, path: path, operation: "open")
            failure.message = "cannot open the database at \(path) for writing (does its folder exist and is it "
                + "writable?): \(failure.message)"
            throw failure
        }
        self.queue = queue

        let opened = try StoreError.context(path: path, operation: "open") {
            try queue.writeWithoutTransaction { db in
                // Per-file settings, before the first migration creates a table.
                if try Int.fetchOne(db, sql: "PRAGMA page_count") == 0 {
                    try db.execute(sql: "PRAGMA auto_vacuum = INCREMENTAL")
                }
                let mode = try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL")
                guard mode?.lowercased() == "wal" else {
                    throw StoreError(
                        code: .sqlite, message: "could not switch to WAL journal mode (got \(mode ?? "nothing"))",
                        path: path, operation: "open")
                }
                if try StoreMigrations.migrator().hasBeenSuperseded(db) {
                    throw StoreError(
                        code: .notAGatewayStore,
                        message: "the database was written by a newer release of utility-gateway "
                            + "(unknown migrations); refusing to write to it",
                        path: path, operation: "open")
                }
            }
            _ = try Self.backUpBeforeMigrating(queue, path: path, logger: logger)
            try StoreMigrations.migrator().migrate(queue)
            return try queue.read { db -> (String, EpochMillis?, Int) in
                guard let generation = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'generation'")
                else {
                    throw StoreError(
                        code: .notAGatewayStore, message: "meta has no generation", path: path, operation: "open")
                }
                let watermark = try String.fetchOne(
                    db, sql: "SELECT value FROM meta WHERE key = ?", arguments: [MetaKey.mergeWatermark]
                ).flatMap { EpochMillis($0) }
                let recent = try Int.fetchOne(db, sql: "SELECT count(*) FROM readings_recent") ?? 0
                return (generation, watermark, recent)
            }
        }
        // `running` until close(): finding it at open means the last run ended without closing
        // (kill -9, a crash, power loss), and a full integrity check is due — in the background.
        let (unclean, seqs) = try StoreError.context(path: path, operation: "open") {
            try queue.write { db in
                let before = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = ?", arguments: [MetaKey.openState])
                try db.execute(
                    sql: "INSERT INTO meta(key, value) VALUES (?, 'running') ON CONFLICT(key) DO UPDATE SET value = 'running'",
                    arguments: [MetaKey.openState])
                // Seqs continue past everything handed out before, even if a power cut took it back.
                return (before == "running", try SeqReservation.resume(db))
            }
        }
        previousRunEndedUncleanly = unclean
        generation = opened.0
        var initial = WriterState()
        initial.watermark = opened.1
        initial.recentRows = opened.2
        // Rows left in the hot tier by the previous run count as old as this open.
        initial.recentSince = opened.2 > 0 ? ContinuousClock.now : nil
        initial.seqs = seqs
        state = Mutex(initial)
        logger.info(
            "store.opened",
            metadata: [
                "store.path": "\(path)", "store.generation": "\(generation)",
                "store.recent_rows": "\(opened.2)", "store.synchronous": "\(synchronous.rawValue)",
            ])
    }

    /// Reads a `meta` value; `nil` when the key was never set.
    public func metaValue(_ key: String) throws -> String? {
        try state.withLock { state in
            try checkOpen(state, "meta.get")
            return try StoreError.context(path: path, operation: "meta.get") {
                try queue.read { db in
                    try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = ?", arguments: [key])
                }
            }
        }
    }

    /// Sets a `meta` value (its own small transaction). Keys the store owns (`generation`, `schema`,
    /// `created_at`, `merge_watermark_ts`, `open_state`) cannot be set this way.
    public func setMetaValue(_ key: String, _ value: String) throws {
        guard !MetaKey.reserved.contains(key), !key.hasPrefix("seq_reserved.") else {
            throw StoreError(
                code: .invalidArgument, message: "meta key '\(key)' belongs to the store and cannot be set",
                path: path, operation: "meta.set")
        }
        try state.withLock { state in
            try checkOpen(state, "meta.set")
            try StoreError.context(path: path, operation: "meta.set") {
                try queue.inTransaction(.immediate) { db in
                    try db.execute(
                        sql: "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                        arguments: [key, value])
                    return .commit
                }
            }
        }
    }

    /// Closes the database. Later calls throw `StoreError.Code.closed`; closing twice is harmless.
    public func close() throws {
        try state.withLock { state in
            guard !state.isClosed else { return }
            try StoreError.context(path: path, operation: "close") {
                try queue.writeWithoutTransaction { db in
                    try db.execute(sql: "PRAGMA optimize")
                    try SeqReservation.release(db)
                    try db.execute(sql: "UPDATE meta SET value = 'closed' WHERE key = ?", arguments: [MetaKey.openState])
                }
                try queue.close()
            }
            state.isClosed = true
            state.series = [:]
            state.topics = [:]
            logger.info("store.closed", metadata: ["store.path": "\(path)"])
        }
    }

    func checkOpen(_ state: borrowing WriterState, _ operation: String) throws(StoreError) {
        if state.isClosed {
            throw StoreError(code: .closed, message: "the store was closed", path: path, operation: operation)
        }
    }

    /// Tests only: runs SQL on the writer's connection (to install a failing trigger, lower
    /// `max_page_count`, …).
    func executeForTesting(_ sql: String) throws {
        try queue.writeWithoutTransaction { db in try db.execute(sql: sql) }
    }

    /// Tests only: the first column of the first row of `sql`, as text, on the writer's connection.
    func scalarForTesting(_ sql: String) throws -> String? {
        try queue.writeWithoutTransaction { db in try String.fetchOne(db, sql: sql) }
    }
}

/// Keys of `meta` that the store itself owns.
enum MetaKey {
    static let generation = "generation"
    static let mergeWatermark = "merge_watermark_ts"
    /// `running` while a writer has the store open, `closed` after a clean close.
    static let openState = "open_state"
    static let reserved: Set<String> = ["generation", "schema", "created_at", "merge_watermark_ts", "open_state"]
}
