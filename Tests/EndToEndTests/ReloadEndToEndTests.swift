import Foundation
import GatewayCore
import GatewayStore
import GatewayTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// SIGHUP reloads the configuration (issue 8, item 3) — against the real daemon and a real broker,
/// with the notify socket watching `RELOADING=1` … `READY=1`.
@Suite(.serialized) struct ReloadEndToEndTests {
    /// A second route, on `u/+`, that a reload adds.
    static let secondRoute = """
          - id: second
            topic: "u/+"
            qos: 1
            format: json
            utility: water
            site: lab
            device: "{topic.1}"
            timestamp: { path: ts, format: epoch_ms }
            metrics:
              - { name: volume, path: v, unit: m3 }

        """

    static let rules = """
        devices:
          - { device: "dev-*", site: lab, attributes: { expected_interval: 1m, point: meter } }
        rules:
          items:
            - id: e2e.volume.high
              match: { utility: water, metric: volume, attributes: { point: meter } }
              condition: { above: { warning: 40, critical: 50 } }
              risk: { level: high, category: operational }
        """

    func rewriteConfig(_ harness: GatewayHarness, _ change: (String) -> String) throws {
        let text = try String(contentsOfFile: harness.configPath, encoding: .utf8)
        let changed = change(text)
        #expect(changed != text, "the test's edit changed nothing")
        // Written in place, as an editor would (the daemon reads it only on SIGHUP).
        try changed.write(toFile: harness.configPath, atomically: true, encoding: .utf8)
    }

    func reloads(_ receiver: NotifySocketReceiver) -> Int { receiver.lines.filter { $0 == "RELOADING=1" }.count }

    /// Sends SIGHUP and waits for the reload's `READY=1` (RELOADING=1 … READY=1). `sent` runs
    /// right after the signal left.
    func reload(_ harness: GatewayHarness, _ receiver: NotifySocketReceiver, sent: () -> Void = {}) {
        let before = reloads(receiver)
        let readyBefore = receiver.lines.filter { $0 == "READY=1" }.count
        harness.daemon?.send(SIGHUP)
        sent()
        #expect(eventually(timeoutSeconds: 60) {
            reloads(receiver) > before && receiver.lines.filter { $0 == "READY=1" }.count > readyBefore
        }, "\(receiver.lines)\n\(harness.logs())")
    }

    @Test func aReloadInTheMiddleOfAQoS1StreamLosesNothingAndAddsTheNewRoute() throws {
        let harness = try GatewayHarness()
        let receiver = try NotifySocketReceiver(directory: harness.directory)
        try harness.startDaemon(environment: ["NOTIFY_SOCKET": receiver.name])
        defer { _ = harness.stopDaemon() }
        #expect(eventually(timeoutSeconds: 60) { receiver.lines.contains("READY=1") }, "\(receiver.lines)")

        let total = 20_000
        let feed = try SequenceFeed(brokerURL: harness.broker.url)
        // Reload k (1…4) happens once 4000·k messages are stored, while the publisher is at most
        // 2000 ahead of that and resumes as soon as the signal is sent: every reload meets
        // messages in flight, in the broker's queue and in a batch being committed.
        let signalsSent = LockedBox(0)
        let publishing = Thread {
            for i in 0..<total {
                if i % 4000 == 2000, i > 2000 {
                    _ = eventually(timeoutSeconds: 300) { signalsSent.withLock { $0 } >= i / 4000 }
                }
                try? feed.publish(i)
            }
        }
        publishing.start()
        // The first reload adds a route; the others reload the same file.
        for step in 1...4 {
            #expect(eventually(timeoutSeconds: 120) { harness.storedCount() >= 4000 * step }, "\(harness.logs())")
            if step == 1 {
                try rewriteConfig(harness) { $0.replacingOccurrences(of: "routes:\n", with: "routes:\n" + Self.secondRoute) }
            }
            reload(harness, receiver) { signalsSent.withLock { $0 += 1 } }
        }
        #expect(eventually(timeoutSeconds: 300) { feed.acknowledgedNumbers.count == total }, "the feed stalled")
        #expect(feed.finish())
        #expect(eventually(timeoutSeconds: 120) { harness.storedCount() >= total }, "\(harness.storedCount())\n\(harness.logs())")
        let values = try harness.storedValues()
        #expect(values.count == total, "every message stored exactly once")
        #expect(values.sorted() == Array(0..<total), "every message stored exactly once")
        #expect(harness.logs().components(separatedBy: "reload.applied").count - 1 == 4, "\(harness.logs())")

        // The added route is live: a message on its topic is stored.
        let extra = try SequenceFeed(brokerURL: harness.broker.url)
        _ = try extra.publisher.publish(
            topic: "u/new-device", payload: Array(#"{"ts":\#(extra.base),"v":777777}"#.utf8), qos: 1)
        #expect(extra.finish())
        #expect(eventually(timeoutSeconds: 60) { (try? harness.storedValues().contains(777_777)) == true }, "\(harness.logs())")
    }

    @Test func anInvalidConfigurationIsRejectedWithEveryProblemAndTheOldOneKeepsRunning() throws {
        let harness = try GatewayHarness()
        let receiver = try NotifySocketReceiver(directory: harness.directory)
        try harness.startDaemon(environment: ["NOTIFY_SOCKET": receiver.name])
        defer { _ = harness.stopDaemon() }
        #expect(eventually(timeoutSeconds: 60) { receiver.lines.contains("READY=1") }, "\(receiver.lines)")

        try rewriteConfig(harness) {
            $0.replacingOccurrences(of: "format: json", with: "format: no-such-format")
                .replacingOccurrences(of: "synchronous: normal", with: "synchronous: sometimes")
        }
        reload(harness, receiver)
        let logs = harness.logs()
        #expect(logs.contains("reload.rejected"), "\(logs)")
        #expect(logs.contains("no-such-format"), "the problem with the route is named: \(logs)")
        #expect(logs.contains("sometimes"), "the problem with storage is named: \(logs)")
        #expect(receiver.lines.contains { $0.hasPrefix("STATUS=reload rejected") }, "\(receiver.lines)")

        // Still ingesting on the old routes.
        let feed = try SequenceFeed(brokerURL: harness.broker.url)
        for i in 0..<100 { try feed.publish(i) }
        #expect(feed.finish())
        #expect(eventually(timeoutSeconds: 60) { harness.storedCount() >= 100 }, "\(harness.logs())")
        #expect(harness.daemon?.isRunning == true)
    }

    @Test func aReloadKeepsAlertStateAndNamesWhatNeedsARestart() throws {
        let harness = try GatewayHarness(extra: Self.rules)
        let receiver = try NotifySocketReceiver(directory: harness.directory)
        try harness.startDaemon(environment: ["NOTIFY_SOCKET": receiver.name])
        defer { _ = harness.stopDaemon() }
        // Values 0…59 on one device: critical from 51 on.
        let feed = try SequenceFeed(brokerURL: harness.broker.url, devices: 1)
        for i in 0..<60 { try feed.publish(i) }
        #expect(feed.finish())
        var active: [AlertRow] = []
        #expect(eventually(timeoutSeconds: 60) {
            active = (try? harness.reader().alerts(AlertFilter(states: ["active_unack"]))) ?? []
            return active.first?.severity == "critical"
        }, "\(harness.logs())")
        let alert = try #require(active.first)

        // Another rule and a restart-only change (the broker keepalive).
        try rewriteConfig(harness) {
            $0.replacingOccurrences(of: "  client_id: utility-gateway-e2e\n", with: "  client_id: utility-gateway-e2e\n  keepalive: 45s\n")
                .replacingOccurrences(of: "  items:\n", with: """
                      items:
                        - id: e2e.volume.absurd
                          match: { utility: water, metric: volume }
                          condition: { above: { critical: 1000000 } }
                          risk: { level: low, category: technical }

                    """)
        }
        reload(harness, receiver)
        let logs = harness.logs()
        #expect(logs.contains("reload.restart_required") && logs.contains("broker.keepalive"), "\(logs)")
        #expect(logs.contains("reload.applied"), "\(logs)")
        let after = try harness.reader().alert(id: alert.id)
        #expect(after?.state == "active_unack", "the alert survives the reload: \(String(describing: after))")
        #expect(after?.severity == "critical")
        #expect(try harness.reader().alertHistory(id: alert.id).allSatisfy { $0.kind != "rule_removed" })

        // The rule goes: its alert closes on the record, once.
        try rewriteConfig(harness) {
            $0.replacingOccurrences(of: "    - id: e2e.volume.high\n", with: "    - id: e2e.volume.renamed\n")
        }
        reload(harness, receiver)
        #expect(eventually(timeoutSeconds: 30) {
            (try? harness.reader().alertHistory(id: alert.id).filter { $0.kind == "rule_removed" }.count) == 1
        }, "\(harness.logs())")
    }
}
