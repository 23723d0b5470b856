import Foundation
import GatewayCore
import GatewayStore
import GatewayTestSupport
import Testing

/// The rules across a real `kill -9`: an alert whose on-delay was running when the daemon died is
/// neither raised twice nor forgotten, and its ticket is opened once.
@Suite struct RulesCrashTests {
    static let rules = GatewayHarness.testRoutes + """

        rules:
          items:
            - id: lab.volume.high
              description: test rule
              match: { utility: water, metric: volume }
              condition: { above: { critical: 50 } }
              on_delay: 30ms
              risk: { level: high, category: technical }
              ticket: { when: critical, steps: { accept: 1h } }
        """

    @Test func killDashNineMidEpisodeNeitherRepeatsNorForgets() throws {
        let harness = try GatewayHarness(routes: Self.rules)
        try harness.startDaemon()
        let feed = try SequenceFeed(brokerURL: harness.broker.url, devices: 1)
        for i in 0..<56 { try feed.publish(i) }
        #expect(feed.finish())
        #expect(eventually(timeoutSeconds: 60) { harness.storedCount() >= 56 }, "\(harness.logs())")
        // Killed whether or not the stage has written the crossing yet: both must end well.
        harness.killDaemon()

        try harness.startDaemon()
        let more = try SequenceFeed(brokerURL: harness.broker.url, devices: 1)
        for i in 56..<120 { try more.publish(i) }
        #expect(more.finish())
        #expect(eventually(timeoutSeconds: 60) { harness.storedCount() >= 120 })
        let activated = eventually(timeoutSeconds: 60) {
            ((try? harness.reader().alerts(AlertFilter(states: ["active_unack"]))) ?? []).count == 1
        }
        #expect(activated, "\(harness.logs())")
        #expect(harness.stopDaemon() == 0)

        let reader = try harness.reader()
        let alerts = try reader.alerts(AlertFilter(states: []))
        #expect(alerts.count == 1, "one episode: \(alerts.map(\.id))")
        let kinds = try reader.alertHistory(id: try #require(alerts.first?.id)).map(\.kind)
        #expect(kinds.filter { $0 == "activated" }.count == 1, "\(kinds)")
        #expect(kinds.filter { $0 == "pending" }.count <= 1, "\(kinds)")
        #expect(try reader.tickets(TicketFilter(state: "open")).count == 1)
    }
}
