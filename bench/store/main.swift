// store-bench — ingest and query figures for GatewayStore's two-tier layout at 10M rows, against
// the two naive single-table layouts, in the same run (DESIGN §8).
//
//   swift build -c release --scratch-path .build-store --product store-bench
//   .build-store/release/store-bench --rows 10000000 --devices 1000 --metrics 4 --batch 1000
//
// Data: `devices` × `metrics` series (1,000 × 4 = 4,000 by default), one reading per series per
// 30 s tick, ts increasing; emitted tick by tick, so a batch of 1,000 rows spans 250 devices.
// Rows are ~120 bytes as Readings (five strings, two times, a value).
//
// Layouts:
//   two-tier      ReadingStore.commit per batch + maintenanceIfDue() after each (what the ingest
//                 loop does): hot ts-first table, merged into the device-first table.
//   ts-first      one table, UNIQUE(ts, series_id): appends, but no device index for queries.
//   device-first  one table, UNIQUE(series_id, ts): queries are fast, ingest dirties a leaf per series.
//                 Ingesting 10M rows live this way takes far too long on 2 cores, so the table is
//                 pre-filled to `rows - naive-live-rows` in (series_id, ts) order (which appends and
//                 packs pages fuller than live ingest would — in the naive layout's favour), then the
//                 last `naive-live-rows` are ingested live: that is the rate AT the final size.
// The naive layouts use the same pragmas, raw binding and batch size as the store. Rates count
// store time only (commit + maintenance), not making the test data.
//
// Measured on the 2-core development machine (Swift 6.3.1, SQLite 3.40.1, NORMAL), 2 min 7 s:
//                  at 10M rows    overall    commit p50/p99/max      merges (50k rows) p50/p99/max
//   two-tier       124.6k/s       133.3k/s   1.92/8.62/11.9 ms       277/316/335 ms (200 merges)
//   ts-first       714.7k/s       708.4k/s   1.22/8.22/10.3 ms       —
//   device-first    39.7k/s        37.5k/s   22.8/63.3/71.5 ms       —   (live from 9.5M to 10M)
//   queries at 10M (p50/p99)   device+metric last 24 h (2,500 rows)   device last 100
//   two-tier                   6.07/10.79 ms                          0.81/0.95 ms
//   ts-first                   1,873/1,911 ms                         18.0/18.5 ms
//   device-first               2.00/4.30 ms                           0.36/0.43 ms
//   files: two-tier db 610 MiB, WAL max 47 MiB; ts-first 570/4 MiB; device-first 574/15 MiB.
//   StoreReader at 10M: counts() 66 ms, summary() 5 ms.
import Foundation
import GRDB
import GRDBSQLite
import GatewayCore
import GatewayStore
import Logging

// MARK: - arguments

struct Options {
    var rows = 10_000_000
    var devices = 1_000
    var metrics = 4
    var batch = 1_000
    var threshold = 50_000
    var synchronous = SynchronousMode.normal
    var layouts: Set<String> = ["two-tier", "ts-first", "device-first"]
    var naiveLiveRows: Int?
    var queries = 50
    var dir: String?
    var keep = false
}

func parseOptions() -> Options {
    var options = Options()
    var args = CommandLine.arguments.dropFirst()
    func value(_ name: String) -> String {
        guard let v = args.popFirst() else {
            FileHandle.standardError.write(Data("missing value for \(name)\n".utf8))
            exit(2)
        }
        return v
    }
    func int(_ name: String) -> Int {
        let text = value(name).replacingOccurrences(of: "_", with: "")
        guard let n = Int(text), n > 0 else {
            FileHandle.standardError.write(Data("\(name) needs a positive integer\n".utf8))
            exit(2)
        }
        return n
    }
    while let arg = args.popFirst() {
        switch arg {
        case "--rows": options.rows = int(arg)
        case "--devices": options.devices = int(arg)
        case "--metrics": options.metrics = min(4, int(arg))
        case "--batch": options.batch = int(arg)
        case "--threshold": options.threshold = int(arg)
        case "--naive-live-rows": options.naiveLiveRows = int(arg)
        case "--queries": options.queries = int(arg)
        case "--dir": options.dir = value(arg)
        case "--keep": options.keep = true
        case "--sync":
            guard let mode = SynchronousMode(rawValue: value(arg)) else {
                FileHandle.standardError.write(Data("--sync is normal or full\n".utf8))
                exit(2)
            }
            options.synchronous = mode
        case "--layouts": options.layouts = Set(value(arg).split(separator: ",").map(String.init))
        case "--help", "-h":
            print(
                "store-bench [--rows N] [--devices N] [--metrics 1-4] [--batch N] [--threshold N] [--sync normal|full]"
                    + " [--layouts two-tier,ts-first,device-first] [--naive-live-rows N] [--queries N] [--dir PATH] [--keep]")
            exit(0)
        default:
            FileHandle.standardError.write(Data("unknown argument \(arg) (try --help)\n".utf8))
            exit(2)
        }
    }
    return options
}

// MARK: - data

/// The synthetic fleet: series index s = device * metrics + metric.
struct Fleet {
    let devices: Int
    let metrics: Int
    let deviceNames: [String]
    let topics: [String]
    let utilities: [Utility]
    let metricNames: [[String]]
    let units: [[String]]
    let start: EpochMillis = 1_790_000_000_000
    let tickMillis: EpochMillis = 30_000

    init(devices: Int, metrics: Int) {
        self.devices = devices
        self.metrics = metrics
        deviceNames = (0..<devices).map { String(format: "dev-%05d", $0) }
        topics = (0..<devices).map { String(format: "site-01/dev-%05d/telemetry", $0) }
        utilities = (0..<devices).map { Utility.allCases[$0 % 3] }
        let names: [Utility: ([String], [String])] = [
            .water: (["pressure", "flow", "volume", "temperature"], ["kPa", "m3/h", "m3", "degC"]),
            .power: (["voltage", "current", "active_power", "energy"], ["V", "A", "kW", "kWh"]),
            .gas: (["pressure", "flow", "volume", "gas_leak"], ["kPa", "m3/h", "m3", "%LEL"]),
        ]
        metricNames = utilities.map { Array(names[$0]!.0.prefix(metrics)) }
        units = utilities.map { Array(names[$0]!.1.prefix(metrics)) }
    }

    var seriesCount: Int { devices * metrics }
    func timestamp(tick: Int) -> EpochMillis { start + EpochMillis(tick) * tickMillis }
    func value(series: Int, tick: Int) -> Double { Double(series % 97) + Double(tick % 1000) * 0.01 }

    /// Row number n (0-based) in live order: tick-major, then device, then metric.
    func reading(_ n: Int) -> Reading {
        let tick = n / seriesCount
        let s = n % seriesCount
        let d = s / metrics
        let m = s % metrics
        let ts = timestamp(tick: tick)
        return Reading(
            utility: utilities[d], site: "site-01", device: deviceNames[d], metric: metricNames[d][m],
            value: value(series: s, tick: tick), unit: units[d][m], timestamp: ts, receivedAt: ts + 40,
            topic: topics[d])
    }
}

// MARK: - measuring

struct Stopwatch {
    let started = ContinuousClock.now
    var seconds: Double { secondsSince(started) }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}

/// Seconds elapsed since `instant`.
func secondsSince(_ instant: ContinuousClock.Instant) -> Double { (ContinuousClock.now - instant).seconds }

func percentile(_ values: [Double], _ p: Double) -> Double {
    guard !values.isEmpty else { return 0 }
    let sorted = values.sorted()
    let rank = Int((p / 100 * Double(sorted.count - 1)).rounded())
    return sorted[min(sorted.count - 1, max(0, rank))]
}

func fileSize(_ path: String) -> Int64 {
    ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.int64Value ?? 0
}

/// What one layout measured.
struct LayoutResult {
    var name: String
    var liveRows = 0
    var liveSeconds = 0.0
    /// (rows in the table at the end of the segment, rows/s within the segment)
    var segments: [(Int, Double)] = []
    var mergeMillis: [Double] = []
    /// Duration of each commit: what delays the acks.
    var commitMillis: [Double] = []
    var prefillRows = 0
    var prefillSeconds = 0.0
    var dbBytes: Int64 = 0
    var walBytesMax: Int64 = 0
    var walBytesEnd: Int64 = 0
    var queryDeviceMetric24h: [Double] = []
    var queryDeviceLast100: [Double] = []
    var rowsDeviceMetric24h = 0
    var rowsDeviceLast100 = 0
    var countsMillis: Double?
    var summaryMillis: Double?

    var rate: Double { liveSeconds > 0 ? Double(liveRows) / liveSeconds : 0 }
    var rateAtEnd: Double { segments.last?.1 ?? rate }
}

/// Tracks per-segment rates while rows are ingested.
struct SegmentMeter {
    let segmentRows: Int
    var tableRows: Int
    var segmentCount = 0
    var segments: [(Int, Double)] = []

    init(segmentRows: Int, tableRows: Int) {
        self.segmentRows = segmentRows
        self.tableRows = tableRows
    }

    var segmentSeconds = 0.0

    /// `seconds`: time spent storing these rows (the caller leaves out making the test data).
    mutating func add(_ rows: Int, seconds: Double) {
        tableRows += rows
        segmentCount += rows
        segmentSeconds += seconds
        if segmentCount >= segmentRows { close() }
    }

    mutating func close() {
        guard segmentCount > 0 else { return }
        segments.append((tableRows, Double(segmentCount) / max(segmentSeconds, 1e-9)))
        segmentSeconds = 0
        segmentCount = 0
    }
}

// MARK: - two-tier (the store)

func benchTwoTier(_ options: Options, fleet: Fleet, dir: String) throws -> LayoutResult {
    var result = LayoutResult(name: "two-tier")
    let path = dir + "/two-tier.sqlite"
    var logger = Logger(label: "store-bench")
    logger.logLevel = .warning
    let store = try ReadingStore(
        path: path, synchronous: options.synchronous, logger: logger, mergeThresholdRows: options.threshold)
    var meter = SegmentMeter(segmentRows: 1_000_000, tableRows: 0)
    var n = 0
    var batches = 0
    while n < options.rows {
        let count = min(options.batch, options.rows - n)
        let batch = IngestBatch(readings: (n..<(n + count)).map(fleet.reading))  // not timed
        let commitStart = ContinuousClock.now
        let committed = try store.commit(batch)
        let commitSeconds = secondsSince(commitStart)
        precondition(committed.stored == count, "stored \(committed.stored) of \(count)")
        let mergeStart = ContinuousClock.now
        let merged = try store.maintenanceIfDue()
        let mergeSeconds = secondsSince(mergeStart)
        if merged { result.mergeMillis.append(mergeSeconds * 1000) }
        result.commitMillis.append(commitSeconds * 1000)
        result.liveSeconds += commitSeconds + mergeSeconds
        n += count
        meter.add(count, seconds: commitSeconds + mergeSeconds)
        batches += 1
        if batches % 50 == 0 { result.walBytesMax = max(result.walBytesMax, fileSize(path + "-wal")) }
    }
    meter.close()
    result.liveRows = n
    result.segments = meter.segments
    result.walBytesMax = max(result.walBytesMax, fileSize(path + "-wal"))

    // Queries through StoreReader beside the open writer, as utility-gatewayctl would.
    let reader = try StoreReader(path: path)
    let lastTs = fleet.timestamp(tick: (options.rows - 1) / fleet.seriesCount)
    var random = SeededGenerator(seed: 42)
    for _ in 0..<options.queries {
        let d = Int(random.next() % UInt64(fleet.devices))
        let m = Int(random.next() % UInt64(fleet.metrics))
        var watch = Stopwatch()
        let day = try reader.readings(
            ReadingFilter(device: fleet.deviceNames[d], metric: fleet.metricNames[d][m], since: lastTs - 86_400_000,
                limit: 10_000))
        result.queryDeviceMetric24h.append(watch.seconds * 1000)
        result.rowsDeviceMetric24h = day.count
        watch = Stopwatch()
        let last = try reader.readings(ReadingFilter(device: fleet.deviceNames[d], limit: 100))
        result.queryDeviceLast100.append(watch.seconds * 1000)
        result.rowsDeviceLast100 = last.count
    }
    var watch = Stopwatch()
    let counts = try reader.counts()
    result.countsMillis = watch.seconds * 1000
    precondition(counts.readings == options.rows, "counted \(counts.readings) of \(options.rows)")
    watch = Stopwatch()
    _ = try reader.summary()
    result.summaryMillis = watch.seconds * 1000
    result.walBytesEnd = fileSize(path + "-wal")
    result.dbBytes = fileSize(path)
    try store.close()
    return result
}

// MARK: - naive single-table layouts

func benchNaive(_ options: Options, fleet: Fleet, dir: String, deviceFirst: Bool) throws -> LayoutResult {
    let name = deviceFirst ? "device-first" : "ts-first"
    var result = LayoutResult(name: name)
    let path = dir + "/\(name).sqlite"
    var configuration = Configuration()
    let level = options.synchronous == .full ? "FULL" : "NORMAL"
    configuration.prepareDatabase { db in
        try db.execute(
            sql: """
                PRAGMA synchronous = \(level); PRAGMA cache_size = -65536; PRAGMA secure_delete = FAST;
                PRAGMA temp_store = MEMORY; PRAGMA journal_size_limit = 67108864;
                """)
    }
    let queue = try DatabaseQueue(path: path, configuration: configuration)
    try queue.writeWithoutTransaction { db in
        try db.execute(sql: "PRAGMA auto_vacuum = INCREMENTAL")
        _ = try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL")
        try db.execute(
            sql: """
                CREATE TABLE series(id INTEGER PRIMARY KEY, utility TEXT, site TEXT, device TEXT, metric TEXT, unit TEXT,
                                    UNIQUE(utility, site, device, metric));
                CREATE TABLE readings(seq INTEGER PRIMARY KEY, series_id INTEGER NOT NULL, ts INTEGER NOT NULL,
                                      value REAL NOT NULL, received_at INTEGER NOT NULL, quality INTEGER NOT NULL,
                                      topic_id INTEGER NOT NULL, UNIQUE(\(deviceFirst ? "series_id, ts" : "ts, series_id")));
                """)
        for s in 0..<fleet.seriesCount {
            let d = s / fleet.metrics
            try db.execute(
                sql: "INSERT INTO series VALUES (?, ?, 'site-01', ?, ?, ?)",
                arguments: [s + 1, fleet.utilities[d].rawValue, fleet.deviceNames[d], fleet.metricNames[d][s % fleet.metrics],
                    fleet.units[d][s % fleet.metrics]])
        }
    }
    let insertSQL = "INSERT INTO readings(series_id, ts, value, received_at, quality, topic_id) VALUES (?, ?, ?, ?, 0, ?) ON CONFLICT DO NOTHING"
    func insert(_ db: Database, series s: Int, tick: Int) throws {
        let statement = try db.cachedStatement(sql: insertSQL).sqliteStatement
        let ts = fleet.timestamp(tick: tick)
        sqlite3_bind_int64(statement, 1, Int64(s + 1))
        sqlite3_bind_int64(statement, 2, ts)
        sqlite3_bind_double(statement, 3, fleet.value(series: s, tick: tick))
        sqlite3_bind_int64(statement, 4, ts + 40)
        sqlite3_bind_int64(statement, 5, Int64(s / fleet.metrics + 1))
        let code = sqlite3_step(statement)
        sqlite3_reset(statement)
        guard code == SQLITE_DONE else { throw DatabaseError(resultCode: ResultCode(rawValue: code)) }
    }

    // Pre-fill (device-first only): whole ticks, in (series_id, ts) order.
    var liveFrom = 0
    if deviceFirst {
        let live = options.naiveLiveRows ?? min(500_000, max(options.rows / 10, fleet.seriesCount))
        let prefillTicks = max(0, options.rows - live) / fleet.seriesCount
        liveFrom = prefillTicks * fleet.seriesCount
        let watch = Stopwatch()
        for s in 0..<fleet.seriesCount where prefillTicks > 0 {
            try queue.inTransaction(.immediate) { db in
                for tick in 0..<prefillTicks { try insert(db, series: s, tick: tick) }
                return .commit
            }
        }
        result.prefillRows = liveFrom
        result.prefillSeconds = watch.seconds
    }

    var meter = SegmentMeter(segmentRows: deviceFirst ? 100_000 : 1_000_000, tableRows: liveFrom)
    var n = liveFrom
    var batches = 0
    while n < options.rows {
        let count = min(options.batch, options.rows - n)
        let commitStart = ContinuousClock.now
        try queue.inTransaction(.immediate) { db in
            for row in n..<(n + count) {
                try insert(db, series: row % fleet.seriesCount, tick: row / fleet.seriesCount)
            }
            return .commit
        }
        let commitSeconds = secondsSince(commitStart)
        result.commitMillis.append(commitSeconds * 1000)
        result.liveSeconds += commitSeconds
        n += count
        meter.add(count, seconds: commitSeconds)
        batches += 1
        if batches % 50 == 0 { result.walBytesMax = max(result.walBytesMax, fileSize(path + "-wal")) }
    }
    meter.close()
    result.liveRows = n - liveFrom
    result.segments = meter.segments
    result.walBytesMax = max(result.walBytesMax, fileSize(path + "-wal"))

    let lastTs = fleet.timestamp(tick: (options.rows - 1) / fleet.seriesCount)
    var random = SeededGenerator(seed: 42)
    let daySQL = """
        SELECT r.seq, r.ts, r.value FROM readings r JOIN series s ON s.id = r.series_id
         WHERE s.device = ? AND s.metric = ? AND r.ts >= ? ORDER BY r.ts DESC, r.seq DESC LIMIT 10000
        """
    let lastSQL = """
        SELECT r.seq, r.ts, r.value FROM readings r JOIN series s ON s.id = r.series_id
         WHERE s.device = ? ORDER BY r.ts DESC, r.seq DESC LIMIT 100
        """
    // Cap the slow full-scan queries of the ts-first layout so the run stays short.
    let queries = deviceFirst ? options.queries : min(options.queries, 5)
    for _ in 0..<queries {
        let d = Int(random.next() % UInt64(fleet.devices))
        let m = Int(random.next() % UInt64(fleet.metrics))
        try queue.read { db in
            var watch = Stopwatch()
            let day = try Row.fetchAll(
                db, sql: daySQL, arguments: [fleet.deviceNames[d], fleet.metricNames[d][m], lastTs - 86_400_000])
            result.queryDeviceMetric24h.append(watch.seconds * 1000)
            result.rowsDeviceMetric24h = day.count
            watch = Stopwatch()
            let last = try Row.fetchAll(db, sql: lastSQL, arguments: [fleet.deviceNames[d]])
            result.queryDeviceLast100.append(watch.seconds * 1000)
            result.rowsDeviceLast100 = last.count
        }
    }
    result.walBytesEnd = fileSize(path + "-wal")
    result.dbBytes = fileSize(path)
    try queue.close()
    return result
}


// MARK: - report

func mib(_ bytes: Int64) -> String { String(format: "%.1f MiB", Double(bytes) / 1_048_576) }
func fixed(_ value: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", value) }

func report(_ options: Options, _ results: [LayoutResult]) {
    print("")
    print(
        "store-bench: \(options.rows) rows, \(options.devices) devices × \(options.metrics) metrics, batch \(options.batch), "
            + "synchronous=\(options.synchronous.rawValue), merge threshold \(options.threshold)")
    for r in results {
        print("")
        print("== \(r.name)")
        if r.prefillRows > 0 {
            print("  prefill       \(r.prefillRows) rows in (series_id, ts) order, \(fixed(r.prefillSeconds)) s")
        }
        print(
            "  live ingest   \(r.liveRows) rows in \(fixed(r.liveSeconds)) s of store time (commits + merges) = \(Int(r.rate)) rows/s; "
                + "last segment: \(Int(r.rateAtEnd)) rows/s")
        print("  segments      " + r.segments.map { "\($0.0 / 1000)k:\(Int($0.1 / 1000))k/s" }.joined(separator: " "))
        print(
            "  commits       p50 \(fixed(percentile(r.commitMillis, 50), 2)) ms, p99 \(fixed(percentile(r.commitMillis, 99), 2)) ms, "
                + "max \(fixed(r.commitMillis.max() ?? 0, 2)) ms (batch of \(options.batch))")
        if !r.mergeMillis.isEmpty {
            print(
                "  merges        \(r.mergeMillis.count), p50 \(fixed(percentile(r.mergeMillis, 50))) ms, "
                    + "p99 \(fixed(percentile(r.mergeMillis, 99))) ms, max \(fixed(r.mergeMillis.max() ?? 0)) ms, "
                    + "total \(fixed(r.mergeMillis.reduce(0, +) / 1000)) s")
        }
        print("  files         db \(mib(r.dbBytes)), WAL max \(mib(r.walBytesMax)), WAL at end \(mib(r.walBytesEnd))")
        print(
            "  query device+metric last 24h (\(r.rowsDeviceMetric24h) rows): p50 \(fixed(percentile(r.queryDeviceMetric24h, 50), 2)) ms, "
                + "p99 \(fixed(percentile(r.queryDeviceMetric24h, 99), 2)) ms  [\(r.queryDeviceMetric24h.count) runs]")
        print(
            "  query device last 100 (\(r.rowsDeviceLast100) rows):       p50 \(fixed(percentile(r.queryDeviceLast100, 50), 2)) ms, "
                + "p99 \(fixed(percentile(r.queryDeviceLast100, 99), 2)) ms  [\(r.queryDeviceLast100.count) runs]")
        if let counts = r.countsMillis, let summary = r.summaryMillis {
            print("  StoreReader   counts() \(fixed(counts)) ms, summary() \(fixed(summary)) ms")
        }
    }
    var json: [String: Any] = [
        "bench": "store", "rows": options.rows, "devices": options.devices, "metrics": options.metrics,
        "batch": options.batch, "synchronous": options.synchronous.rawValue, "merge_threshold_rows": options.threshold,
    ]
    for r in results {
        json[r.name.replacingOccurrences(of: "-", with: "_")] = [
            "live_rows": r.liveRows, "live_seconds": r.liveSeconds, "rows_per_s": Int(r.rate),
            "rows_per_s_at_end": Int(r.rateAtEnd), "prefill_rows": r.prefillRows,
            "segments_rows_per_s": r.segments.map { [$0.0, Int($0.1)] },
            "commit_ms_p50": percentile(r.commitMillis, 50), "commit_ms_p99": percentile(r.commitMillis, 99),
            "commit_ms_max": r.commitMillis.max() ?? 0, "merges": r.mergeMillis.count, "merge_ms_p50": percentile(r.mergeMillis, 50),
            "merge_ms_p99": percentile(r.mergeMillis, 99), "merge_ms_max": r.mergeMillis.max() ?? 0,
            "db_bytes": r.dbBytes, "wal_bytes_max": r.walBytesMax, "wal_bytes_end": r.walBytesEnd,
            "q_device_metric_24h_ms_p50": percentile(r.queryDeviceMetric24h, 50),
            "q_device_metric_24h_ms_p99": percentile(r.queryDeviceMetric24h, 99),
            "q_device_last100_ms_p50": percentile(r.queryDeviceLast100, 50),
            "q_device_last100_ms_p99": percentile(r.queryDeviceLast100, 99),
            "counts_ms": r.countsMillis ?? 0, "summary_ms": r.summaryMillis ?? 0,
        ] as [String: Any]
    }
    if let data = try? JSONSerialization.data(withJSONObject: json, options: [.sortedKeys]) {
        print("")
        print(String(decoding: data, as: UTF8.self))
    }
}

// MARK: - main

let options = parseOptions()
let fleet = Fleet(devices: options.devices, metrics: options.metrics)
let dir = options.dir ?? (NSTemporaryDirectory() + "store-bench-\(getpid())")
try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
var results: [LayoutResult] = []
for layout in ["two-tier", "ts-first", "device-first"] where options.layouts.contains(layout) {
    FileHandle.standardError.write(Data("store-bench: \(layout)…\n".utf8))
    switch layout {
    case "two-tier": results.append(try benchTwoTier(options, fleet: fleet, dir: dir))
    case "ts-first": results.append(try benchNaive(options, fleet: fleet, dir: dir, deviceFirst: false))
    default: results.append(try benchNaive(options, fleet: fleet, dir: dir, deviceFirst: true))
    }
}
report(options, results)
if !options.keep { try? FileManager.default.removeItem(atPath: dir) }
