import GRDB
import GatewayCore

/// Which devices a trend query covers: optional utility and site filters and a bound on how many
/// devices (in utility, site, device order) are returned.
public struct TrendFilter: Sendable, Hashable {
    public var utility: Utility?
    public var site: String?
    public var device: String?
    /// The window: readings with `since <= ts < until`.
    public var since: EpochMillis
    public var until: EpochMillis
    /// How many buckets the window is cut into.
    public var buckets: Int
    public var maxDevices: Int

    public init(
        utility: Utility? = nil, site: String? = nil, device: String? = nil, since: EpochMillis, until: EpochMillis,
        buckets: Int = 96, maxDevices: Int = 50
    ) {
        self.utility = utility
        self.site = site
        self.device = device
        self.since = since
        self.until = until
        self.buckets = buckets
        self.maxDevices = maxDevices
    }
}

extension StoreReader {
    /// Bucketed means of every series of the first `maxDevices` devices over the window, for the
    /// status page's sparklines, and how many devices match the filter in all.
    ///
    /// Cost: one range read of the main tier's (series_id, ts) index per series (a day of one series
    /// is a few thousand adjacent entries), plus one read of the hot tier for all of them. Series
    /// without a reading in the window are left out.
    public func trends(_ filter: TrendFilter) throws -> (trends: [SeriesTrend], devicesTotal: Int) {
        guard filter.until > filter.since, filter.buckets >= 1, filter.maxDevices >= 1 else {
            throw StoreError(
                code: .invalidArgument, message: "a trend needs since < until, buckets ≥ 1 and maxDevices ≥ 1",
                path: path, operation: "query.trends")
        }
        var conditions: [String] = []
        var arguments: StatementArguments = []
        for (column, value) in [("utility", filter.utility?.rawValue), ("site", filter.site), ("device", filter.device)] {
            if let value {
                conditions.append("\(column) = ?")
                arguments += [value]
            }
        }
        let whereClause = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        let width = max(1, (filter.until - filter.since + EpochMillis(filter.buckets) - 1) / EpochMillis(filter.buckets))
        let window: StatementArguments = [filter.since, filter.until]

        return try query("query.trends") { db in
            let devicesTotal = try Int.fetchOne(
                db, sql: "SELECT count(*) FROM (SELECT DISTINCT utility, site, device FROM series\(whereClause))",
                arguments: arguments) ?? 0
            let seriesRows = try Row.fetchAll(
                db,
                sql: """
                    WITH shown AS (
                        SELECT DISTINCT utility, site, device FROM series\(whereClause)
                         ORDER BY utility, site, device LIMIT ?)
                    SELECT s.id, s.utility, s.site, s.device, s.metric, s.unit
                      FROM series s JOIN shown USING (utility, site, device)
                     ORDER BY s.utility, s.site, s.device, s.metric
                    """,
                arguments: arguments + [filter.maxDevices])
            guard !seriesRows.isEmpty else { return ([], devicesTotal) }

            // (series, bucket) → (sum, count); series → newest (ts, value).
            var sums: [Int64: [Int64: (sum: Double, count: Int)]] = [:]
            var latest: [Int64: TrendPoint] = [:]
            func add(_ series: Int64, _ bucket: Int64, _ sum: Double, _ count: Int) {
                let old = sums[series, default: [:]][bucket] ?? (0, 0)
                sums[series, default: [:]][bucket] = (old.sum + sum, old.count + count)
            }
            func offer(_ series: Int64, _ point: TrendPoint) {
                if point.timestamp > latest[series]?.timestamp ?? .min { latest[series] = point }
            }
            let ids = seriesRows.map { $0[0] as Int64 }
            let mainBuckets = try db.makeStatement(sql: """
                SELECT (ts - ?) / ?, sum(value), count(*) FROM readings
                 WHERE series_id = ? AND ts >= ? AND ts < ? GROUP BY 1
                """)
            let mainLatest = try db.makeStatement(sql: """
                SELECT ts, value FROM readings WHERE series_id = ? AND ts >= ? AND ts < ? ORDER BY ts DESC LIMIT 1
                """)
            for id in ids {
                for row in try Row.fetchAll(mainBuckets, arguments: [filter.since, width, id] + window) {
                    add(id, row[0], row[1], row[2])
                }
                if let row = try Row.fetchOne(mainLatest, arguments: [id] + window) {
                    offer(id, TrendPoint(timestamp: row[0], value: row[1]))
                }
            }
            let idList = ids.map(String.init).joined(separator: ",")
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT series_id, ts, value FROM readings_recent
                     WHERE ts >= ? AND ts < ? AND series_id IN (\(idList))
                    """,
                arguments: window)
            {
                let id: Int64 = row[0]
                let point = TrendPoint(timestamp: row[1], value: row[2])
                add(id, (point.timestamp - filter.since) / width, point.value, 1)
                offer(id, point)
            }

            return (seriesRows.compactMap { row -> SeriesTrend? in
                let id: Int64 = row[0]
                guard let newest = latest[id], let buckets = sums[id] else { return nil }
                let code: String = row[1]
                guard let utility = Utility(rawValue: code) else { return nil }
                let points = buckets.keys.sorted().map { bucket in
                    let cell = buckets[bucket]!
                    return TrendPoint(timestamp: filter.since + bucket * width, value: cell.sum / Double(cell.count))
                }
                return SeriesTrend(
                    utility: utility, site: row[2], device: row[3], metric: row[4], unit: row[5], points: points,
                    latest: newest)
            }, devicesTotal)
        }
    }
}
