import Foundation
import GatewayTestSupport
import Testing

/// `broker_restart` with `--broker-restart-cmd`: the broker really restarts mid-run (the test's
/// own mosquitto, restarted by the test when the command asks for it, so it stays the one process
/// the test owns), and the scenario still passes: the simulator and the daemon reconnect and no
/// acknowledged reading is lost on the way to the alert.
@Suite struct BrokerRestartScenarioTests {
    @Test func aScenarioRestartsTheBrokerThroughTheRunnersCommand() throws {
        let harness = try ScenarioSupport.harness()
        try harness.startDaemon()
        defer { _ = harness.stopDaemon() }
        let requested = harness.directory.file("restart-requested")
        let restarted = harness.directory.file("restarted")
        let command = "touch \(requested.path); while [ ! -e \(restarted.path) ]; do sleep 0.05; done; rm -f \(restarted.path)"
        let scenario = harness.directory.file("restart.yaml")
        try """
            scenario: burst-across-a-broker-restart
            duration: 12m
            speed: 60
            interval: 15s
            devices:
              - { id: wm-101, utility: water, site: north, format: json, metrics: { pressure: { baseline: 420kPa, noise: 1 }, flow: 30 } }
              - { id: wm-102, utility: water, site: north, format: influx, metrics: { pressure: { baseline: 415kPa, noise: 1 } } }
            events:
              - broker_restart: { at: 3m }
              - burst: { at: 6m, device: wm-101, pressure_drop: 120kPa, over: 1m }
            expect:
              alerts:
                - { rule: water.pressure.drop_rate, device: wm-101, severity: critical, by: 8m }
              tickets:
                - { rule: water.pressure.drop_rate, device: wm-101 }
              no_other_alerts: true
            """.write(to: scenario, atomically: true, encoding: .utf8)

        // The restart itself, done by the test that owns the broker process.
        let restarts = LockedBox(0)
        let done = LockedBox(false)
        let broker = harness.broker
        let watcher = Thread {
            while !done.withLock({ $0 }) {
                if FileManager.default.fileExists(atPath: requested.path) {
                    try? FileManager.default.removeItem(at: requested)
                    try? broker.restart()
                    restarts.withLock { $0 += 1 }
                    _ = FileManager.default.createFile(atPath: restarted.path, contents: nil)
                }
                Thread.sleep(forTimeInterval: 0.02)
            }
        }
        watcher.start()
        defer { done.withLock { $0 = true } }

        let result = try ScenarioSupport.runSim(
            ["run", scenario.path, "--broker", harness.broker.url, "--verify", "--config", harness.configPath, "--verify-timeout", "90",
             "--broker-restart-cmd", command],
            in: harness.directory)
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)\n\(harness.logs().suffix(3000))")
        #expect(result.stdout.contains("1 broker restarts"), "\(result.stdout)")
        #expect(restarts.withLock { $0 } == 1)
        // Every reading of the run was stored: 12 min / 15 s per device, none lost to the restart.
        #expect(eventually(timeoutSeconds: 30) { harness.storedCount() == 48 * 2 + 48 }, "\(harness.storedCount())")
    }
}
