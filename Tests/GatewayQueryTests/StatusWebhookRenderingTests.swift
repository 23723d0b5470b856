import Foundation
import Testing

@testable import GatewayQuery

/// `utility-gatewayctl status` with webhooks configured.
@Suite struct StatusWebhookRenderingTests {
    @Test func oneLinePerWebhookWithTheLastErrorWhileFailing() throws {
        var status = StatusRenderingTests.status
        status.webhooks = [
            .init(
                name: "ops-pager", url: "https://hooks.example.net/x?…", state: "retrying", delivered: 12, failedAttempts: 4,
                consecutiveFailures: 2, filtered: 30, pending: 3, lastDelivered: "2026-11-27T10:00:00.000Z",
                lastError: "HTTP 503", lastErrorAt: "2026-11-27T10:01:00.000Z"),
            .init(
                name: "relay", url: "http://127.0.0.1:9000/events", state: "idle", delivered: 5, failedAttempts: 0,
                consecutiveFailures: 0, filtered: 0, pending: 0, lastDelivered: nil, lastError: nil, lastErrorAt: nil),
        ]
        let table = StatusRenderer.render(status, format: .table)
        #expect(table.contains("""
            webhook  ops-pager retrying — https://hooks.example.net/x?…; 12 delivered, 4 failed attempts, 3 waiting (last error: HTTP 503)
            webhook  relay idle — http://127.0.0.1:9000/events; 5 delivered, 0 failed attempts, 0 waiting
            """), "\(table)")
        let json = StatusRenderer.render(status, format: .json)
        #expect(json.contains("\"consecutive_failures\" : 2") && json.contains("\"last_error\" : \"HTTP 503\""))
        let decoded = try JSONDecoder().decode(GatewayStatus.self, from: Data(json.utf8))
        #expect(decoded.webhooks == status.webhooks)
        #expect(!StatusRenderer.render(StatusRenderingTests.status, format: .json).contains("webhooks"))
    }
}
