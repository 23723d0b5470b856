import Foundation
import GatewayAPI
import GatewayCore
import GatewayQuery
import GatewayStore

/// Realistic status page models: a gateway a day into its run with three utilities and six devices,
/// and one that has just started on an empty store.
enum StatusPageSample {
    /// 2026-11-27T08:00:00Z.
    static let now: EpochMillis = 1_795_766_400_000
    static let window: ClosedRange<EpochMillis> = (now - 86_400_000)...now
    static let bucket: EpochMillis = 300_000

    static func model() -> StatusPageModel {
        StatusPageModel(
            status: status(), generatedAt: now, recentQuarantine: quarantine(), trends: trends(),
            trendWindow: window, devicesTotal: 14, devicesShown: 6)
    }

    static func emptyModel() -> StatusPageModel {
        let status = GatewayStatus(
            gateway: .init(
                id: "gw-north-01", version: "0.9.2", startedAt: RFC3339.format(now - 8_000), uptimeSeconds: 8),
            ready: true,
            broker: .init(
                url: "mqtt://broker.plant.local:1883", state: "connected", since: RFC3339.format(now - 7_500),
                reason: nil, reconnects: 0,
                subscriptions: [.init(filter: "water/+/+/telemetry", state: "acknowledged", grantedQoS: 1)]),
            uplink: .init(state: "not_configured", since: nil, reason: nil),
            routes: [.init(route: "water-json", received: 0, decoded: 0, quarantined: 0, readings: 0)],
            ingest: .init(
                messagesReceived: 0, readingsStored: 0, duplicatesSkipped: 0, quarantined: 0, commitFailures: 0,
                messagesPerSecond: 0, readingsPerSecond: 0),
            store: .init(
                path: "/var/lib/utility-gateway/gateway.sqlite", fileBytes: 98_304, walBytes: 0, readings: 0,
                recentReadings: 0, series: 0, quarantined: 0, oldestReading: nil, newestReading: nil))
        return StatusPageModel(
            status: status, generatedAt: now, recentQuarantine: [], trends: [], trendWindow: window,
            devicesTotal: 0, devicesShown: 0)
    }

    static func status() -> GatewayStatus {
        GatewayStatus(
            gateway: .init(
                id: "gw-north-01", version: "0.9.2", startedAt: RFC3339.format(now - 275_000_000),
                uptimeSeconds: 275_000.4),
            ready: true,
            broker: .init(
                url: "mqtt://broker.plant.local:1883", state: "connecting", since: RFC3339.format(now - 12_000),
                reason: "connection lost: keepalive timeout (no PINGRESP within 90 s)", reconnects: 3,
                subscriptions: [
                    .init(filter: "water/+/+/telemetry", state: "acknowledged", grantedQoS: 1),
                    .init(filter: "power/+/+/measurements", state: "acknowledged", grantedQoS: 1),
                    .init(filter: "gas/#", state: "pending", grantedQoS: nil),
                ]),
            uplink: .init(state: "not_configured", since: nil, reason: nil),
            routes: [
                .init(
                    route: "water-json", received: 1_204_331, decoded: 1_204_330, quarantined: 0, readings: 2_408_660),
                .init(
                    route: "power-senml", received: 2_811_002, decoded: 2_811_002, quarantined: 0, readings: 5_622_004),
                .init(route: "gas-csv", received: 6_198_221, decoded: 6_198_217, quarantined: 4, readings: 12_396_434),
                .init(route: "-", received: 31, decoded: 0, quarantined: 31, readings: 0),
            ],
            ingest: .init(
                messagesReceived: 10_213_585, readingsStored: 20_425_894, duplicatesSkipped: 1_204, quarantined: 35,
                commitFailures: 0, messagesPerSecond: 42.5, readingsPerSecond: 171.04),
            store: .init(
                path: "/var/lib/utility-gateway/gateway.sqlite", fileBytes: 3_328_599_654, walBytes: 12_897_484,
                readings: 48_211_907, recentReadings: 18_204, series: 412, quarantined: 37,
                oldestReading: "2026-10-28T08:00:03.000Z", newestReading: RFC3339.format(now - 2_000)))
    }

    static func quarantine() -> [StoredQuarantineRecord] {
        let csv = Array("2026-11-27T07:58:40Z,regulator-4,n/a,0.0\n".utf8)
        let json = Array(#"{"device":"pump-03",<script>alert('x')</script>}"#.utf8)
        return [
            StoredQuarantineRecord(
                id: 37,
                record: QuarantineRecord(
                    receivedAt: now - 79_000, topic: "gas/east/regulator-4/csv", route: "gas-csv", reason: .wrongType,
                    message: "column 3 (pressure): expected a number, got \"n/a\"", payload: csv)),
            StoredQuarantineRecord(
                id: 36,
                record: QuarantineRecord(
                    receivedAt: now - 3_905_000, topic: "water/south/pump-03/telemetry", route: "water-json",
                    reason: .malformed,
                    message: "invalid JSON at byte 21: expected a string key, found <script>alert('x')</script>",
                    payload: json)),
        ]
    }

    /// Eleven series over the last 24 h in 5-minute buckets, ordered like the store orders them
    /// (utility, site, device, metric). Values follow a daily demand curve with a little
    /// deterministic jitter; some series have gaps and one is flat.
    static func trends() -> [SeriesTrend] {
        [
            series(.gas, "east", "regulator-4", "methane", "%LEL") { _ in 0 },
            series(.gas, "east", "regulator-4", "pressure", "kPa") { 2.1 - 0.08 * demand($0) + jitter($0, 0.01) },
            series(.gas, "north", "detector-7", "methane", "%LEL") { i in
                0.4 + 6.2 * exp(-pow((hour(i) - 14.2) / 0.25, 2)) + abs(jitter(i, 0.15))
            },
            series(.power, "substation-a", "feeder-2", "current", "A") { 120 + 85 * demand($0) + jitter($0, 3) },
            series(.power, "substation-a", "feeder-2", "voltage", "V", latest: 231.44) {
                233.5 - 4 * demand($0) + jitter($0, 0.4)
            },
            series(.power, "substation-a", "feeder-5", "current", "A", gap: 218..<236) {
                64 + 40 * demand($0) + jitter($0, 2)
            },
            series(.power, "substation-a", "feeder-5", "voltage", "V", gap: 218..<236) {
                232.2 - 3 * demand($0) + jitter($0, 0.5)
            },
            series(.water, "north", "meter-17", "flow", "m3/h") { 12 + 30 * demand($0) + jitter($0, 1.2) },
            series(.water, "north", "meter-17", "pressure", "kPa") { 430 - 45 * demand($0) + jitter($0, 2) },
            series(.water, "south", "pump-03", "flow", "m3/h", gap: 204..<246, quietFor: 40) {
                8 + 22 * demand($0) + jitter($0, 0.9)
            },
            series(.water, "south", "pump-03", "pressure", "kPa", gap: 204..<246, quietFor: 40) {
                395 - 30 * demand($0) + jitter($0, 1.5)
            },
        ]
    }

    /// One series; bucket `i` starts at `window.lowerBound + i × 5 min`. Buckets in `gap` are left
    /// out, and so are the last `quietFor` minutes.
    private static func series(
        _ utility: Utility, _ site: String, _ device: String, _ metric: String, _ unit: String,
        gap: Range<Int> = 0..<0, quietFor minutes: Int = 0, latest: Double? = nil, value: (Int) -> Double
    ) -> SeriesTrend {
        let last = 287 - minutes / 5
        let points = (0...last).filter { !gap.contains($0) }.map {
            TrendPoint(timestamp: window.lowerBound + EpochMillis($0) * bucket, value: value($0))
        }
        let latestAt = window.lowerBound + EpochMillis(last) * bucket + 270_000 - EpochMillis(metric.count * 1_000)
        return SeriesTrend(
            utility: utility, site: site, device: device, metric: metric, unit: unit, points: points,
            latest: TrendPoint(timestamp: latestAt, value: latest ?? value(last)))
    }

    /// The hour of day (UTC) at which bucket `i` starts; the window starts at 08:00.
    private static func hour(_ i: Int) -> Double {
        (8 + Double(i) * 5 / 60).truncatingRemainder(dividingBy: 24)
    }

    /// Demand over the day, about 0.1 at night to 1 at the evening peak.
    private static func demand(_ i: Int) -> Double {
        let h = hour(i)
        return 0.1 + 0.6 * exp(-pow((h - 7.5) / 1.6, 2)) + 0.35 * exp(-pow((h - 13) / 3, 2))
            + 0.9 * exp(-pow((h - 19) / 2, 2))
    }

    /// Deterministic noise of about `amplitude`.
    private static func jitter(_ i: Int, _ amplitude: Double) -> Double {
        amplitude * (sin(Double(i) * 0.9) * 0.4 + sin(Double(i) * 0.23 + 1) * 0.6)
    }
}
