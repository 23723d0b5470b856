import Foundation
import GatewayTestSupport
import Testing

/// sd_notify as systemd would see it (`Type=notify`, `WatchdogSec=`), without systemd: the real
/// daemon binary started with `$NOTIFY_SOCKET` pointing at a socket the test reads, and a real
/// broker. Deadlines are generous; nothing here measures time.
@Suite(.serialized) struct NotifyEndToEndTests {
    @Test func readyStatusWatchdogAndStoppingReachAPathSocket() throws {
        let harness = try GatewayHarness()
        let receiver = try NotifySocketReceiver(directory: harness.directory)
        // 2 s: the ingest loop pings every second.
        try harness.startDaemon(environment: ["NOTIFY_SOCKET": receiver.name, "WATCHDOG_USEC": "2000000"])
        #expect(eventually(timeoutSeconds: 60) { receiver.lines.contains("READY=1") }, "\(receiver.lines)\n\(harness.logs())")
        #expect(eventually(timeoutSeconds: 60) { receiver.lines.filter { $0 == "WATCHDOG=1" }.count >= 3 }, "\(receiver.lines)")
        #expect(eventually(timeoutSeconds: 60) {
            receiver.lines.contains { $0.hasPrefix("STATUS=broker connected;") && $0.contains("msg/s") }
        }, "\(receiver.lines)")
        #expect(harness.stopDaemon() == 0)
        #expect(receiver.lines.contains("STOPPING=1"), "\(receiver.lines)")
        // READY comes once (no reload happened), before STOPPING.
        let lines = receiver.lines
        #expect(lines.filter { $0 == "READY=1" }.count == 1, "\(lines)")
        #expect((lines.firstIndex(of: "READY=1") ?? .max) < (lines.firstIndex(of: "STOPPING=1") ?? -1), "\(lines)")
    }

    /// A broker that is down at boot must not keep the gateway from being ready (systemd would kill
    /// and restart it for nothing); its state is in STATUS instead — and the watchdog keeps coming
    /// while the loop backs off and retries.
    @Test func readyIsNotGatedOnTheBrokerAndTheAbstractSocketWorks() throws {
        let broker = try MosquittoBroker()
        broker.stop()
        let harness = try GatewayHarness(broker: broker)
        let receiver = try NotifySocketReceiver(directory: harness.directory, abstract: true)
        let daemon = try harness.launchDaemon(environment: ["NOTIFY_SOCKET": receiver.name, "WATCHDOG_USEC": "2000000"])
        #expect(eventually(timeoutSeconds: 60) { receiver.lines.contains("READY=1") || !daemon.isRunning },
            "\(receiver.lines)\n\(harness.logs())")
        #expect(daemon.isRunning)
        #expect(eventually(timeoutSeconds: 60) {
            receiver.lines.contains { $0.hasPrefix("STATUS=broker connecting") }
        }, "\(receiver.lines)")
        #expect(eventually(timeoutSeconds: 60) { receiver.lines.filter { $0 == "WATCHDOG=1" }.count >= 3 }, "\(receiver.lines)")
        // The broker comes up: the status says so.
        try broker.start()
        #expect(eventually(timeoutSeconds: 60) {
            receiver.lines.contains { $0.hasPrefix("STATUS=broker connected") }
        }, "\(receiver.lines)\n\(harness.logs())")
        #expect(harness.stopDaemon() == 0)
        #expect(receiver.lines.contains("STOPPING=1"), "\(receiver.lines)")
    }

    /// WATCHDOG_PID names another process: the pings are not for us, so none are sent.
    @Test func noWatchdogPingsWhenTheWatchdogIsForAnotherProcess() throws {
        let harness = try GatewayHarness()
        let receiver = try NotifySocketReceiver(directory: harness.directory)
        try harness.startDaemon(environment: [
            "NOTIFY_SOCKET": receiver.name, "WATCHDOG_USEC": "2000000", "WATCHDOG_PID": "1",
        ])
        #expect(eventually(timeoutSeconds: 60) { receiver.lines.filter { $0.hasPrefix("STATUS=") }.count >= 3 }, "\(receiver.lines)")
        #expect(!receiver.lines.contains("WATCHDOG=1"), "\(receiver.lines)")
        #expect(harness.stopDaemon() == 0)
    }
}
