import Foundation
import Testing

@testable import GatewayQuery

/// `utility-gatewayctl status` output for people and tools, from a fixed status document.
@Suite struct StatusRenderingTests {
    static let status = GatewayStatus(
        gateway: .init(id: "site-01", version: "0.4.0", startedAt: "2026-11-27T08:00:00.000Z", uptimeSeconds: 7_325),
        ready: false, unreadyReasons: ["the broker connection is down (connection refused)"],
        broker: .init(
            url: "mqtt://127.0.0.1:1883", state: "disconnected", since: "2026-11-27T10:00:00.000Z",
            reason: "connection refused", reconnects: 3,
            subscriptions: [.init(filter: "utilities/water/+/+/telemetry", state: "pending", grantedQoS: nil)]),
        uplink: .init(state: "not_configured", since: nil, reason: "no uplink is configured"),
        routes: [
            .init(route: "water", received: 1_200, decoded: 1_198, quarantined: 2, readings: 3_594),
            .init(route: "-", received: 4, decoded: 0, quarantined: 4, readings: 0),
        ],
        ingest: .init(
            messagesReceived: 1_204, readingsStored: 3_590, duplicatesSkipped: 4, quarantined: 6, commitFailures: 0,
            messagesPerSecond: 10.25, readingsPerSecond: 30.75),
        store: .init(
            path: "/var/lib/utility-gateway/gateway.sqlite", fileBytes: 12_900_000, walBytes: 4_128_272, readings: 3_590,
            recentReadings: 90, series: 12, quarantined: 6, oldestReading: "2026-11-27T08:00:01.000Z",
            newestReading: "2026-11-27T10:02:04.000Z"))

    @Test func tableSaysWhatIsWrongFirst() {
        #expect(StatusRenderer.render(Self.status, format: .table) == """
            gateway  site-01 0.4.0, up 2 h 2 min (since 2026-11-27T08:00:00.000Z)
            ready    NO — the broker connection is down (connection refused)
            broker   disconnected since 2026-11-27T10:00:00.000Z (connection refused) — mqtt://127.0.0.1:1883, 3 reconnects
                     utilities/water/+/+/telemetry pending
            uplink   not configured — no uplink is configured
            ingest   10.2 msg/s, 30.8 readings/s over the last minute
                     1204 messages, 3590 readings stored, 4 duplicates, 6 quarantined, 0 commit failures since start
            store    3590 readings (90 not merged yet), 12 series, 6 quarantine records
                     12.3 MiB + 3.9 MiB WAL at /var/lib/utility-gateway/gateway.sqlite
                     oldest reading 2026-11-27T08:00:01.000Z, newest 2026-11-27T10:02:04.000Z

            ROUTE  RECEIVED  DECODED  QUARANTINED  READINGS
            water      1200     1198            2      3594
            -             4        0            4         0

            """)
    }

    /// (The unrouted row's `-` is escaped like any cell that starts with `-` and is not a number.)
    @Test func csvIsTheRouteTableAndJSONRoundTrips() throws {
        #expect(StatusRenderer.render(Self.status, format: .csv) == """
            route,received,decoded,quarantined,readings\r
            water,1200,1198,2,3594\r
            '-,4,0,4,0\r

            """)
        let json = StatusRenderer.render(Self.status, format: .json)
        #expect(json.contains("\"unready_reasons\" : [\n    \"the broker connection is down (connection refused)\"\n  ]"))
        #expect(try JSONDecoder().decode(GatewayStatus.self, from: Data(json.utf8)) == Self.status)
    }
}
