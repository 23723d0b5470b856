import Foundation
import GatewayCore
import GatewayStore
import GatewayTestSupport
import Testing

/// The local broker stopped for real under the running daemon: the control room gets one
/// `broker.link_down` alert that names the cause, not a `no_data` alert for every device that fell
/// silent with it; when the broker is back the alert clears, and a device that still says nothing
/// a whole `no_data` period later is flagged as usual.
@Suite struct BrokerOutageEndToEndTests {
    static let rules = """
        alerting: { broker_link_down_after: 2s }
        rules:
          items:
            - id: e2e.silent
              match: { utility: water, metric: volume }
              condition: { no_data: { for: 5s } }
        """

    @Test func aLocalBrokerOutageIsOneAlertAndNoDeviceIsBlamedForIt() throws {
        let harness = try GatewayHarness(extra: Self.rules)
        try harness.startDaemon()
        defer { _ = harness.stopDaemon() }
        let feed = try SequenceFeed(brokerURL: harness.broker.url, devices: 3)
        for i in 0..<3 { try feed.publish(i) }
        #expect(feed.finish())
        #expect(eventually(timeoutSeconds: 60) { harness.storedCount() >= 3 }, "\(harness.logs())")

        func alerts() -> [(rule: String, state: String, device: String)] {
            ((try? harness.reader().alerts(AlertFilter(states: []))) ?? []).map { ($0.ruleID, $0.state, $0.device) }
        }
        harness.broker.stop()
        #expect(eventually(timeoutSeconds: 60) {
            alerts().contains { $0.rule == "broker.link_down" && $0.state == "active_unack" }
        }, "\(alerts())\n\(harness.logs().suffix(3000))")
        // More than a no_data period passes with the link down (the condition under test).
        Thread.sleep(forTimeInterval: 6)
        #expect(!alerts().contains { $0.rule == "e2e.silent" }, "a device was blamed for the broker's outage: \(alerts())")

        try harness.broker.restart()
        #expect(eventually(timeoutSeconds: 60) {
            alerts().contains { $0.rule == "broker.link_down" && $0.state == "cleared_unack" }
        }, "\(alerts())\n\(harness.logs().suffix(3000))")
        // Back, and the devices stay silent: each is flagged a whole period after the return.
        #expect(eventually(timeoutSeconds: 60) {
            Set(alerts().filter { $0.rule == "e2e.silent" }.map(\.device)) == ["dev-0", "dev-1", "dev-2"]
        }, "\(alerts())")
        let kinds = try harness.reader().events(limit: 20).map(\.event.kind)
        #expect(kinds.contains(.brokerLinkDown) && kinds.contains(.brokerLinkUp), "\(kinds)")
    }
}
