import Foundation
import GRDB
import GatewayCore

extension StoreReader {
    /// Readings matching `filter` from both tiers, newest first (timestamp, then seq, descending),
    /// at most `filter.limit`. One snapshot: a merge running meanwhile cannot make a row appear
    /// twice or not at all.
    ///
    /// Plan (explicit rather than left to the planner over the `readings_all` view, which scanned
    /// the main tier for "device X, last 100" — 100 ms at 1M rows): resolve the matching series in
    /// the small `series` table, take the newest `limit` rows of each series from the main tier's
    /// (series_id, ts) index, the matching rows of the hot tier from its ts-first index, and keep
    /// the newest `limit` of all. When that would read more than `scanBudgetRows` index entries (a
    /// broad filter with a large limit), one scan of the main tier with a top-N sort is cheaper.
    public func readings(_ filter: ReadingFilter) throws -> [Reading] {
        guard filter.limit >= 1 else {
            throw StoreError(
                code: .invalidArgument, message: "limit must be at least 1, got \(filter.limit)", path: path,
                operation: "query.readings")
        }
        var identity: [String] = []
        var identityArguments: StatementArguments = []
        for (column, value) in [
            ("utility", filter.utility?.rawValue), ("site", filter.site), ("device", filter.device), ("metric", filter.metric),
        ] {
            if let value {
                identity.append("\(column) = ?")
                identityArguments += [value]
            }
        }
        var time: [String] = []
        var timeArguments: StatementArguments = []
        if let since = filter.since {
            time.append("ts >= ?")
            timeArguments += [since]
        }
        if let until = filter.until {
            time.append("ts < ?")
            timeArguments += [until]
        }
        if let after = filter.after {
            // Written so that the (series_id, ts) and (ts, series_id) indexes bound the range.
            time.append("ts <= ? AND (ts < ? OR seq < ?)")
            timeArguments += [after.timestamp, after.timestamp, after.seq]
        }
        let timeClause = time.map { " AND " + $0 }.joined()
        let seriesSQL =
            "SELECT id, utility, site, device, metric, unit FROM series"
            + (identity.isEmpty ? "" : " WHERE " + identity.joined(separator: " AND "))
        let columns = "seq, series_id, ts, value, received_at, quality, topic_id"
        let limit = filter.limit

        return try query("query.readings") { db in
            var series: [Int64: SeriesRow] = [:]
            for row in try Row.fetchAll(db, sql: seriesSQL, arguments: identityArguments) {
                let code: String = row[1]
                series[row[0]] = SeriesRow(
                    utility: try decodeUtility(code), site: row[2], device: row[3], metric: row[4], unit: row[5])
            }
            guard !series.isEmpty else { return [] }
            let ids = series.keys.sorted()
            let idList = ids.map(String.init).joined(separator: ",")

            var candidates: [StoredRow] = []
            // Hot tier: at most a merge threshold's worth of rows; its index is ts-first.
            candidates += try StoredRow.fetchAll(
                db,
                sql: "SELECT \(columns) FROM readings_recent WHERE series_id IN (\(idList))\(timeClause) "
                    + "ORDER BY ts DESC, seq DESC LIMIT ?",
                arguments: timeArguments + [limit])
            // Main tier.
            if ids.count.multipliedReportingOverflow(by: limit).partialValue <= Self.scanBudgetRows {
                let statement = try db.makeStatement(
                    sql: "SELECT \(columns) FROM readings WHERE series_id = ?\(timeClause) ORDER BY ts DESC LIMIT ?")
                for id in ids {
                    candidates += try StoredRow.fetchAll(statement, arguments: [id] + timeArguments + [limit])
                }
            } else {
                candidates += try StoredRow.fetchAll(
                    db,
                    sql: "SELECT \(columns) FROM readings WHERE series_id IN (\(idList))\(timeClause) "
                        + "ORDER BY ts DESC, seq DESC LIMIT ?",
                    arguments: timeArguments + [limit])
            }
            candidates.sort { ($0.ts, $0.seq) > ($1.ts, $1.seq) }
            let newest = candidates.prefix(limit)

            var topics: [Int64: String] = [:]
            let topicIDs = Set(newest.map(\.topicID)).sorted().map(String.init).joined(separator: ",")
            for row in try Row.fetchAll(db, sql: "SELECT id, name FROM topics WHERE id IN (\(topicIDs))") {
                topics[row[0]] = row[1]
            }
            return newest.map { stored in
                let s = series[stored.seriesID]!
                return Reading(
                    seq: stored.seq, utility: s.utility, site: s.site, device: s.device, metric: s.metric,
                    value: stored.value, unit: s.unit, timestamp: stored.ts, receivedAt: stored.receivedAt,
                    quality: QualityFlags(rawValue: stored.quality), topic: topics[stored.topicID] ?? "")
            }
        }
    }

    /// Above this many index entries (series × limit), `readings` scans the main tier once instead
    /// of walking each series' index.
    static var scanBudgetRows: Int { 1_000_000 }

    /// One row per (utility, metric, unit) over both tiers: how many readings, from how many
    /// devices, the time span and the value range. Reads the main tier's per-series aggregates
    /// (`series_stats`, kept by each merge) plus the hot tier: tens of milliseconds at 10M rows,
    /// where aggregating `readings` itself took 16 s.
    public func summary() throws -> [ReadingSummaryRow] {
        let sql = """
            WITH per_series AS (
                SELECT series_id, row_count AS n, first_ts AS first, last_ts AS last,
                       min_value AS lo, max_value AS hi, sum_value AS total
                  FROM series_stats
                UNION ALL
                SELECT series_id, count(*), min(ts), max(ts), min(value), max(value), sum(value)
                  FROM readings_recent GROUP BY series_id
            )
            SELECT s.utility, s.metric, s.unit, sum(p.n), count(DISTINCT p.series_id), min(p.first),
                   max(p.last), min(p.lo), max(p.hi), sum(p.total) / sum(p.n)
              FROM per_series p JOIN series s ON s.id = p.series_id
             GROUP BY s.utility, s.metric, s.unit
             ORDER BY s.utility, s.metric, s.unit
            """
        return try query("query.summary") { db in
            try Row.fetchAll(db, sql: sql).map { row in
                let utility: String = row[0]
                return ReadingSummaryRow(
                    utility: try decodeUtility(utility), metric: row[1], unit: row[2], count: row[3], devices: row[4],
                    firstTimestamp: row[5], lastTimestamp: row[6], minValue: row[7], maxValue: row[8],
                    meanValue: row[9])
            }
        }
    }

    /// Quarantine records matching `filter`, newest first, at most `filter.limit`.
    public func quarantine(_ filter: QuarantineFilter) throws -> [StoredQuarantineRecord] {
        var conditions: [String] = []
        var arguments: StatementArguments = []
        if let reason = filter.reason {
            conditions.append("reason = ?")
            arguments += [reason.rawValue]
        }
        if let route = filter.route {
            conditions.append("route = ?")
            arguments += [route]
        }
        if let topic = filter.topic {
            conditions.append("topic = ?")
            arguments += [topic]
        }
        if let since = filter.since {
            conditions.append("received_at >= ?")
            arguments += [since]
        }
        if let until = filter.until {
            conditions.append("received_at < ?")
            arguments += [until]
        }
        if let beforeID = filter.beforeID {
            conditions.append("id < ?")
            arguments += [beforeID]
        }
        arguments += [max(1, filter.limit)]
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let sql = """
            SELECT id, received_at, topic, route, reason, message, payload, payload_size
              FROM quarantine \(whereClause) ORDER BY id DESC LIMIT ?
            """
        return try query("query.quarantine") { db in
            try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
                let code: String = row[4]
                guard let reason = QuarantineReason(rawValue: code) else {
                    throw unknownCode("quarantine reason", code)
                }
                let payload: Data = row[6] ?? Data()
                return StoredQuarantineRecord(
                    id: row[0],
                    record: QuarantineRecord(
                        receivedAt: row[1], topic: row[2], route: row[3], reason: reason, message: row[5],
                        payload: Array(payload), payloadSize: row[7]))
            }
        }
    }

    /// The newest `limit` gateway events, newest first.
    public func events(limit: Int) throws -> [StoredGatewayEvent] {
        try query("query.events") { db in
            try Row.fetchAll(
                db, sql: "SELECT id, ts, kind, message FROM events ORDER BY id DESC LIMIT ?", arguments: [max(1, limit)]
            ).map { row in
                let code: String = row[2]
                guard let kind = GatewayEvent.Kind(rawValue: code) else { throw unknownCode("event kind", code) }
                return StoredGatewayEvent(id: row[0], event: GatewayEvent(timestamp: row[1], kind: kind, message: row[3]))
            }
        }
    }

    /// How much the store holds, from one snapshot. The main tier is counted from `series_stats`
    /// (kept by every merge), not by walking 10 million index entries, so the status API and the
    /// metrics endpoint may call this on every request: a few milliseconds at 10M rows.
    public func counts() throws -> StoreCounts {
        try query("query.counts") { db in
            let recent = try Row.fetchOne(db, sql: "SELECT count(*), min(ts), max(ts) FROM readings_recent")
            let main = try Row.fetchOne(
                db, sql: "SELECT coalesce(sum(row_count), 0), min(first_ts), max(last_ts) FROM series_stats")
            let recentCount: Int = recent?[0] ?? 0
            let mainCount: Int = main?[0] ?? 0
            let oldest = [recent?[1] as EpochMillis?, main?[1] as EpochMillis?].compactMap { $0 }.min()
            let newest = [recent?[2] as EpochMillis?, main?[2] as EpochMillis?].compactMap { $0 }.max()
            return StoreCounts(
                readings: recentCount + mainCount, recentReadings: recentCount, mainReadings: mainCount,
                series: try Int.fetchOne(db, sql: "SELECT count(*) FROM series") ?? 0,
                quarantined: try Int.fetchOne(db, sql: "SELECT count(*) FROM quarantine") ?? 0,
                events: try Int.fetchOne(db, sql: "SELECT count(*) FROM events") ?? 0,
                lastSeq: try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'readings_recent'") ?? 0,
                fileSizeBytes: StoreConnection.fileSize(path),
                walSizeBytes: StoreConnection.fileSize(path + "-wal"),
                oldestTimestamp: oldest, newestTimestamp: newest)
        }
    }

    func decodeUtility(_ code: String) throws -> Utility {
        guard let utility = Utility(rawValue: code) else { throw unknownCode("utility", code) }
        return utility
    }

    private func unknownCode(_ what: String, _ code: String) -> StoreError {
        StoreError(
            code: .notAGatewayStore, message: "unknown \(what) '\(code)' in the store (written by a newer release?)",
            path: path, operation: "query")
    }
}

/// A series as queries need it.
private struct SeriesRow {
    var utility: Utility
    var site: String
    var device: String
    var metric: String
    var unit: String
}

/// A row of either readings table, before its ids are resolved to names.
private struct StoredRow: FetchableRecord {
    var seq: Int64
    var seriesID: Int64
    var ts: EpochMillis
    var value: Double
    var receivedAt: EpochMillis
    var quality: Int
    var topicID: Int64

    init(row: Row) {
        seq = row[0]
        seriesID = row[1]
        ts = row[2]
        value = row[3]
        receivedAt = row[4]
        quality = row[5]
        topicID = row[6]
    }
}

extension StoreReader {
    /// The distinct values of one identity column (`site`, `device` or `metric`) over every
    /// series the store knows, sorted — for "no device 'x'; did you mean …" hints. Reads the small
    /// `series` table only.
    public func knownNames(_ column: IdentityColumn) throws -> [String] {
        try query("query.names") { db in
            try String.fetchAll(db, sql: "SELECT DISTINCT \(column.rawValue) FROM series ORDER BY 1")
        }
    }

    /// An identity column of the `series` table.
    public enum IdentityColumn: String, Sendable, CaseIterable {
        case site, device, metric
    }
}
