import GatewayAPI
import GatewayCore
import GatewayQuery
import Testing

/// The status page with store-and-forward configured: where it forwards, what waits, what went.
@Suite struct StatusPageUplinkTests {
    @Test func aConfiguredUplinkShowsItsURLBacklogAndForwardedCounts() {
        var model = StatusPageSample.model()
        model.status.uplink = .init(
            state: "disconnected", since: RFC3339.format(StatusPageSample.now - 60_000), reason: "connection lost",
            url: "mqtts://central.example.net:8883",
            backlog: .init(readings: 12_000, events: 3, bytesEstimate: 720_000, oldestAgeSeconds: 60),
            forwarded: .init(readings: 5_000, events: 9, messages: 20, connections: 1, lastAcknowledged: nil))
        let page = StatusPageRenderer.render(model)
        #expect(page.contains("<code>mqtts://central.example.net:8883</code>"))
        #expect(page.contains("connection lost"))
        #expect(page.contains("12,000 readings"))
        #expect(page.contains("3 events"))
        #expect(page.contains("events in 20 messages"))
        #expect(!page.contains("Store-and-forward is not configured"))
    }
}
