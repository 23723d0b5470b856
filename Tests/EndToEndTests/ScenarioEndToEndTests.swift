import Foundation
import GatewayCore
import GatewayStore
import GatewayTestSupport
import Testing

/// Issue 7: every shipped scenario runs accelerated through a real mosquitto into the real daemon
/// (with the default rule packs, unchanged), and `utility-sim run --verify` must pass; and a
/// scenario whose expectation is wrong must fail with a readable report.
@Suite struct ScenarioEndToEndTests {
    @Test(arguments: ScenarioSupport.shippedScenarios)
    func aShippedScenarioPassesAgainstTheRealDaemon(_ file: String) throws {
        let harness = try ScenarioSupport.harness()
        try harness.startDaemon()
        defer { _ = harness.stopDaemon() }
        let result = try ScenarioSupport.runSim(
            ["run", ScenarioSupport.scenario(file), "--broker", harness.broker.url, "--verify", "--config", harness.configPath,
             "--verify-timeout", "90"],
            in: harness.directory)
        #expect(result.status == 0, "\(file):\n\(result.stdout)\n\(result.stderr)\n--- daemon:\n\(harness.logs().suffix(4000))")
        #expect(result.stdout.contains("PASSED"), "\(result.stdout)")
        // Simulated time ends at now: no stored reading is ahead of the wall clock, and nothing
        // was quarantined for its timestamp.
        let reader = try harness.reader()
        let newest = try #require(try reader.counts().newestTimestamp)
        #expect(newest <= SystemWallClock().now())
        let timeRefusals = try reader.quarantine(QuarantineFilter(limit: 1000)).filter {
            [.futureTimestamp, .staleTimestamp].contains($0.record.reason)
        }
        #expect(timeRefusals.isEmpty, "\(timeRefusals)")
    }

    /// The burst scenario, but also expecting a low-pressure alert that the burst (420 → 300 kPa)
    /// cannot cause: the run fails (exit 1) and the table says which expectation missed and why.
    @Test func aWrongExpectationFailsWithAReadableReport() throws {
        let harness = try ScenarioSupport.harness()
        try harness.startDaemon()
        defer { _ = harness.stopDaemon() }
        let scenario = harness.directory.file("wrong.yaml")
        try """
            scenario: wrong-expectation
            duration: 8m
            speed: 60
            interval: 15s
            devices:
              - { id: wm-101, utility: water, site: north, format: json, metrics: { pressure: { baseline: 420kPa, noise: 1 }, flow: 30 } }
            events:
              - burst: { at: 3m, device: wm-101, pressure_drop: 120kPa, over: 1m }
            expect:
              alerts:
                - { rule: water.pressure.drop_rate, device: wm-101, severity: critical }
                - { rule: water.pressure.low, device: wm-101, severity: critical }
            """.write(to: scenario, atomically: true, encoding: .utf8)
        let result = try ScenarioSupport.runSim(
            ["run", scenario.path, "--broker", harness.broker.url, "--verify", "--config", harness.configPath, "--verify-timeout", "10"],
            in: harness.directory)
        #expect(result.status == 1, "\(result.stdout)\n\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("  PASS") && $0.contains("alert water.pressure.drop_rate on wm-101 reaching critical") }, "\(result.stdout)")
        #expect(lines.contains { $0.hasPrefix("  FAIL") && $0.contains("alert water.pressure.low on wm-101 reaching critical") && $0.hasSuffix("none") }, "\(result.stdout)")
        #expect(lines.last == "FAILED: 1 of 2 expectations missed", "\(result.stdout)")
    }
}
