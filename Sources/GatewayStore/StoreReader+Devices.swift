import Foundation
import GRDB
import GatewayCore

/// A device the store has readings from: its identity, how many metrics it reports and when its
/// newest reading was taken.
public struct KnownDevice: Sendable, Hashable {
    public var utility: Utility
    public var site: String
    public var device: String
    /// How many series (metrics) the store has for the device.
    public var metrics: Int
    /// Event time of the newest stored reading; `nil` when its readings were all removed by retention.
    public var lastReading: EpochMillis?

    public init(utility: Utility, site: String, device: String, metrics: Int, lastReading: EpochMillis?) {
        self.utility = utility
        self.site = site
        self.device = device
        self.metrics = metrics
        self.lastReading = lastReading
    }
}

extension StoreReader {
    /// Every device in the `series` table, ordered by utility, site and device.
    public func knownDevices() throws -> [KnownDevice] {
        try devices()
    }

    /// The devices in the `series` table matching every given criterion (exact values), ordered
    /// by utility, site and device. The newest reading comes from the main tier's aggregates
    /// (`series_stats`) and the hot tier, so this stays fast over millions of rows (like `summary()`).
    public func devices(utility: Utility? = nil, site: String? = nil, device: String? = nil) throws -> [KnownDevice] {
        var conditions: [String] = []
        var arguments: StatementArguments = []
        for (column, value) in [("s.utility", utility?.rawValue), ("s.site", site), ("s.device", device)] {
            if let value {
                conditions.append("\(column) = ?")
                arguments += [value]
            }
        }
        let whereClause = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        let sql = """
            WITH latest AS (
                SELECT series_id, last_ts AS ts FROM series_stats
                UNION ALL
                SELECT series_id, max(ts) FROM readings_recent GROUP BY series_id
            )
            SELECT s.utility, s.site, s.device, count(DISTINCT s.id), max(l.ts)
              FROM series s LEFT JOIN latest l ON l.series_id = s.id\(whereClause)
             GROUP BY s.utility, s.site, s.device
             ORDER BY s.utility, s.site, s.device
            """
        return try query("query.devices") { db in
            try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
                let utility: String = row[0]
                return KnownDevice(
                    utility: try decodeUtility(utility), site: row[1], device: row[2], metrics: row[3], lastReading: row[4])
            }
        }
    }

    /// The sites a device id reports from, sorted (usually one): for actions that name a device
    /// without its site.
    public func sites(ofDevice device: String) throws -> [String] {
        try query("query.device_sites") { db in
            try String.fetchAll(db, sql: "SELECT DISTINCT site FROM series WHERE device = ? ORDER BY 1", arguments: [device])
        }
    }
}
