import Foundation
import GatewayTestSupport
import Testing

/// Issue 5's missing end-to-end case, driven by the simulator: `utility-sim run` of the shipped
/// water-main-burst scenario → mosquitto → the daemon with the default water pack raises the
/// drop-rate alert and its service ticket; an operator acknowledges the alert and works the ticket
/// through every step (accept, investigate, handle, feedback) with `utility-gatewayctl`.
@Suite struct SimulatorTicketEndToEndTests {
    func json(_ text: String) -> [[String: Any]] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]]) ?? []
    }

    @Test func aBurstFromTheSimulatorIsWorkedThroughEveryTicketStep() throws {
        let files = try TemporaryDirectory(prefix: "sim-ticket-e2e")
        let tokenFile = files.file("api-tokens")
        try "operator-1 \(RulesEndToEndTests.token)\n".write(to: tokenFile, atomically: true, encoding: .utf8)
        let mine = files.file("my-token")
        try "\(RulesEndToEndTests.token)\n".write(to: mine, atomically: true, encoding: .utf8)
        let harness = try ScenarioSupport.harness(apiExtra: "  token_file: \(tokenFile.path)")
        try harness.startDaemon()
        defer { _ = harness.stopDaemon() }
        let config = harness.configPath

        let run = try ScenarioSupport.runSim(
            ["run", ScenarioSupport.scenario("water-main-burst.yaml"), "--broker", harness.broker.url,
             "--verify", "--config", config, "--verify-timeout", "90"],
            in: files)
        try #require(run.status == 0, "\(run.stdout)\n\(run.stderr)\n\(harness.logs().suffix(4000))")

        let alerts = json(try runCtl(["alerts", "list", "--config", config, "--rule", "water.pressure.drop_rate", "--format", "json"], in: files).stdout)
        let alert = try #require(alerts.first { $0["device"] as? String == "wm-101" }, "\(alerts)")
        let alertID = try #require(alert["id"] as? String)
        // `--verify` checked that it reached critical; by now the drop is over and it may say warning.
        #expect(["critical", "warning"].contains(alert["severity"] as? String ?? ""), "\(alert)")
        let tickets = json(try runCtl(["tickets", "list", "--config", config, "--format", "json"], in: files).stdout)
        let ticket = try #require(tickets.first { $0["device"] as? String == "wm-101" }, "\(tickets)")
        let ticketID = try #require(ticket["id"] as? String)
        #expect(ticket["step"] as? String == "accept")
        #expect((ticket["alerts"] as? String)?.contains(alertID) == true, "\(ticket)")

        let operatorOptions = ["--config", config, "--token-file", mine.path]
        let ack = try runCtl(["alerts", "ack", alertID, "--note", "burst confirmed by the control room"] + operatorOptions, in: files)
        #expect(ack.status == 0, "\(ack.stderr)")
        for (step, said) in [("accept", "accepted"), ("investigate", "investigated"), ("handle", "handled"), ("feedback", "fed back")] {
            let result = try runCtl(["tickets", step, ticketID, "--note", "\(step): main at the crossing"] + operatorOptions, in: files)
            #expect(result.status == 0, "\(step): \(result.stderr)")
            #expect(result.stdout.hasPrefix("\(ticketID) \(said)"), "\(result.stdout)")
        }

        let show = try runCtl(["tickets", "show", ticketID, "--config", config, "--format", "json"], in: files)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(show.stdout.utf8)) as? [String: Any], "\(show.stderr)")
        #expect((document["ticket"] as? [String: Any])?["state"] as? String == "closed")
        let steps = try #require(document["steps"] as? [[String: Any]])
        #expect(steps.compactMap { $0["done_by"] as? String } == Array(repeating: "operator-1", count: 4))
        let done = (document["history"] as? [[String: Any]] ?? []).filter { $0["kind"] as? String == "step_done" }
        #expect(done.compactMap { $0["note"] as? String } == ["accept", "investigate", "handle", "feedback"].map { "\($0): main at the crossing" })
    }
}
