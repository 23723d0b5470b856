import Foundation
import Testing

@testable import GatewayQuery

/// The buffer's fault fields in `utility-gatewayctl status`: a pause, a full disk, the broker's own
/// drop counter, retention held back by a clock step — and a status without them still decodes.
@Suite struct StatusBufferFaultRenderingTests {
    static let status: GatewayStatus = {
        var status = StatusUplinkRenderingTests.status
        status.buffer?.whenFull = "pause_ingest"
        status.buffer?.ingestPaused = true
        status.buffer?.pauses = 3
        status.buffer?.diskFull = true
        status.buffer?.diskFullEpisodes = 1
        status.buffer?.brokerDroppedMessages = 0
        status.buffer?.retentionHeldBackSeconds = 315_360_000
        return status
    }()

    @Test func thePauseTheDiskAndTheClockStepAreShown() throws {
        let table = StatusRenderer.render(Self.status, format: .table)
        #expect(table.contains("ingest PAUSED (3 pauses), disk FULL (full 1 times), broker dropped 0 messages"), "\(table)")
        #expect(table.contains("retention held back 315360000 s: the wall clock jumped ahead"), "\(table)")
        let json = StatusRenderer.render(Self.status, format: .json)
        #expect(json.contains("\"ingest_paused\" : true") && json.contains("\"broker_dropped_messages\" : 0"))
        #expect(try JSONDecoder().decode(GatewayStatus.self, from: Data(json.utf8)) == Self.status)
    }

    @Test func aStatusFromBeforeTheFaultFieldsStillDecodes() throws {
        let old = """
            {"max_bytes": 1024, "used_bytes": 10, "when_full": "drop_oldest_readings", "full": false,
             "retention_deleted": 0, "dropped": 0, "dropped_unforwarded": 0}
            """
        let buffer = try JSONDecoder().decode(GatewayStatus.BufferState.self, from: Data(old.utf8))
        #expect(!buffer.ingestPaused && buffer.pauses == 0 && !buffer.diskFull && buffer.brokerDroppedMessages == nil)
        #expect(!StatusRenderer.render(StatusUplinkRenderingTests.status, format: .table).contains("PAUSED"))
    }
}
