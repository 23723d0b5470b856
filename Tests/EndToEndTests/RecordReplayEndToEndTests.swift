import Foundation
import GatewayStore
import GatewayTestSupport
import Testing

/// Issue 7's "record → replay reproduces the recorded alerts": a scenario's traffic is recorded
/// while a first gateway judges it; the capture, replayed into a second broker and gateway, raises
/// the same alerts (rule, device, severity) and tickets.
@Suite struct RecordReplayEndToEndTests {
    /// (rule, device, severity) of every alert, and (rule, device) of every ticket.
    static func outcome(_ harness: GatewayHarness) -> (alerts: Set<String>, tickets: Set<String>) {
        guard let reader = try? harness.reader() else { return ([], []) }
        let alerts = ((try? reader.alerts(AlertFilter(limit: 10_000))) ?? []).map { "\($0.ruleID) \($0.device) \($0.severity)" }
        let tickets = ((try? reader.tickets(TicketFilter(limit: 10_000))) ?? []).map { "\($0.ruleID) \($0.device)" }
        return (Set(alerts), Set(tickets))
    }

    @Test func aRecordedScenarioReplaysToTheSameAlerts() throws {
        let first = try ScenarioSupport.harness()
        try first.startDaemon()
        defer { _ = first.stopDaemon() }
        let capture = first.directory.file("capture.jsonl")
        let recorder = try ChildProcess(
            executable: try BuiltProducts.executable(named: "utility-sim"),
            arguments: ["record", "--broker", first.broker.url, "--topic", "sim/#", "--out", capture.path],
            stderrURL: first.directory.file("record.err"), stdoutURL: first.directory.file("record.out"))
        defer { recorder.terminate() }
        #expect(eventually(timeoutSeconds: 30) { recorder.stderrText().contains("record: subscribed to sim/#") }, "\(recorder.stderrText())")

        let run = try ScenarioSupport.runSim(
            ["run", ScenarioSupport.scenario("gas-leak.yaml"), "--broker", first.broker.url, "--verify", "--config", first.configPath],
            in: first.directory)
        try #require(run.status == 0, "\(run.stdout)\n\(run.stderr)")
        let published = try #require(run.stdout.split(separator: " ").firstIndex(of: "messages").map { Int(run.stdout.split(separator: " ")[$0 - 1]) ?? 0 })
        // Every message the run published is in the capture before the recorder stops.
        #expect(eventually(timeoutSeconds: 30) {
            ((try? String(contentsOf: capture, encoding: .utf8)) ?? "").split(separator: "\n").count >= published + 1
        })
        #expect(recorder.terminate() == 0, "\(recorder.stderrText())")
        let recorded = Self.outcome(first)
        #expect(recorded.alerts.contains("gas.leak gm-501 critical"), "\(recorded)")

        let second = try ScenarioSupport.harness()
        try second.startDaemon()
        defer { _ = second.stopDaemon() }
        let replay = try ScenarioSupport.runSim(["replay", capture.path, "--broker", second.broker.url, "--speed", "10"], in: second.directory)
        #expect(replay.status == 0, "\(replay.stdout)\n\(replay.stderr)")
        var replayed = Self.outcome(second)
        #expect(eventually(timeoutSeconds: 60) {
            replayed = Self.outcome(second)
            return replayed == recorded
        }, "recorded \(recorded)\nreplayed \(replayed)")
    }
}
