import Foundation
import Testing

@testable import GatewayQuery

/// `utility-gatewayctl status` with store-and-forward configured.
@Suite struct StatusUplinkRenderingTests {
    static let status: GatewayStatus = {
        var status = StatusRenderingTests.status
        status.uplink = .init(
            state: "disconnected", since: "2026-11-27T10:01:00.000Z", reason: "connection lost",
            url: "mqtts://central.example.net:8883",
            backlog: .init(readings: 12_000, events: 3, bytesEstimate: 720_000, oldestAgeSeconds: 65),
            forwarded: .init(
                readings: 5_000, events: 9, messages: 20, connections: 2, lastAcknowledged: "2026-11-27T10:00:59.500Z"))
        status.buffer = .init(
            maxBytes: 2 << 30, usedBytes: 1_932_735_283, whenFull: "drop_oldest_readings", full: false,
            retentionDeleted: 10, dropped: 1_500, droppedUnforwarded: 1_200, lastPass: "2026-11-27T10:02:00.000Z")
        return status
    }()

    @Test func theUplinkLinesSayWhereWhatWaitsAndWhatWent() {
        let table = StatusRenderer.render(Self.status, format: .table)
        #expect(table.contains("""
            uplink   disconnected since 2026-11-27T10:01:00.000Z — mqtts://central.example.net:8883 (connection lost)
                     backlog 12000 readings (~703.1 KiB), 3 events, oldest 1 min 5 s old
                     forwarded 5000 readings, 9 events in 20 messages since start, last acknowledged 2026-11-27T10:00:59.500Z
            """), "\(table)")
    }

    @Test func theBufferLinesSayHowFullAndWhatWasDropped() {
        let table = StatusRenderer.render(Self.status, format: .table)
        let expected = [
            "buffer   1.8 GiB used of 2.0 GiB, when full: drop oldest readings",
            "         1500 readings dropped (1200 never forwarded), 10 deleted by retention",
        ].joined(separator: "\n")
        #expect(table.contains(expected), "\(table)")
        #expect(StatusRenderer.render(Self.status, format: .json).contains("\"dropped_unforwarded\" : 1200"))
    }

    @Test func theJSONCarriesTheUplinkAndRoundTrips() throws {
        let json = StatusRenderer.render(Self.status, format: .json)
        #expect(json.contains("\"bytes_estimate\" : 720000"))
        #expect(json.contains("\"oldest_age_seconds\" : 65"))
        #expect(json.contains("\"last_acknowledged\" : \"2026-11-27T10:00:59.500Z\""))
        #expect(try JSONDecoder().decode(GatewayStatus.self, from: Data(json.utf8)) == Self.status)
        let unconfigured = StatusRenderer.render(StatusRenderingTests.status, format: .json)
        #expect(!unconfigured.contains("backlog") && !unconfigured.contains("forwarded"), "no uplink: no empty fields")
    }
}
