import Foundation
import GatewayCore
import GatewayTestSupport
import Testing

/// Issue 5's end-to-end case: readings through a real broker into the daemon trip a rule that
/// wants a ticket; an operator sees the alert and the ticket with `utility-gatewayctl` (from the
/// database), acknowledges the alert and works the ticket through every step (through the API,
/// with a token), and the service archive names the token's owner at every step.
@Suite struct RulesEndToEndTests {
    static let token = "3a7bd3e2360a3d29eea436fcfb7e44c735d117c42d1c1835420b6b9942dd4f1b"

    /// Volume above 50 on any lab device is critical, and a critical alert opens a ticket.
    static let rules = """
        devices:
          - { device: "dev-*", site: lab, attributes: { expected_interval: 1m, point: meter } }
        rules:
          items:
            - id: e2e.volume.high
              description: Volume above what the lab meter can pass
              match: { utility: water, metric: volume, attributes: { point: meter } }
              condition: { above: { warning: 40, critical: 50 } }
              risk: { level: high, category: operational }
              ticket: { when: critical, steps: { accept: 15m, investigate: 24h, handle: 7wd, feedback: 2wd } }
        """

    func json(_ text: String) -> [[String: Any]] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]]) ?? []
    }

    @Test func anOperatorWorksATicketThroughEveryStepWithTheCLI() throws {
        let files = try TemporaryDirectory(prefix: "rules-e2e")
        let tokenFile = files.file("api-tokens")
        try "# name token\noperator-1 \(Self.token)\n".write(to: tokenFile, atomically: true, encoding: .utf8)
        let mine = files.file("my-token")
        try "\(Self.token)\n".write(to: mine, atomically: true, encoding: .utf8)
        let harness = try GatewayHarness(apiExtra: "  token_file: \(tokenFile.path)", extra: Self.rules)
        try harness.startDaemon()
        defer { _ = harness.stopDaemon() }
        let config = harness.configPath

        // A burst: values 0…59 on one device; 41… is a warning, 51… critical.
        let feed = try SequenceFeed(brokerURL: harness.broker.url, devices: 1)
        for i in 0..<60 { try feed.publish(i) }
        #expect(feed.finish())

        var alerts: [[String: Any]] = []
        #expect(eventually(timeoutSeconds: 60) {
            alerts = json((try? runCtl(["alerts", "list", "--config", config, "--format", "json"], in: files))?.stdout ?? "")
            return alerts.first?["severity"] as? String == "critical"
        }, "\(alerts)\n\(harness.logs())")
        try #require(alerts.count == 1)
        let alertID = try #require(alerts[0]["id"] as? String)
        #expect(alerts[0]["rule"] as? String == "e2e.volume.high")
        #expect(alerts[0]["state"] as? String == "active_unack")
        #expect(alerts[0]["device"] as? String == "dev-0")

        var tickets: [[String: Any]] = []
        #expect(eventually(timeoutSeconds: 30) {
            tickets = json((try? runCtl(["tickets", "list", "--config", config, "--format", "json"], in: files))?.stdout ?? "")
            return !tickets.isEmpty
        }, "\(harness.logs())")
        let ticketID = try #require(tickets.first?["id"] as? String)
        #expect(tickets.first?["step"] as? String == "accept")
        #expect(tickets.first?["alerts"] as? String == alertID)

        // Without a token, a change is refused with what to do about it.
        let anonymous = try runCtl(["alerts", "ack", alertID, "--config", config], in: files)
        #expect(anonymous.status == 1)
        #expect(anonymous.stderr.contains("--token-file"), "\(anonymous.stderr)")

        let operatorOptions = ["--config", config, "--token-file", mine.path]
        let ack = try runCtl(["alerts", "ack", alertID, "--note", "seen on the panel"] + operatorOptions, in: files)
        #expect(ack.status == 0, "\(ack.stderr)")
        #expect(ack.stdout.hasPrefix("\(alertID) acknowledged"), "\(ack.stdout)")
        let history = json(try runCtl(["alerts", "history", alertID, "--config", config, "--format", "json"], in: files).stdout)
        let acknowledged = history.first { $0["kind"] as? String == "acknowledged" }
        #expect(acknowledged?["actor"] as? String == "operator-1", "\(history)")
        #expect(acknowledged?["note"] as? String == "seen on the panel")

        // Out of order is refused with the API's reason.
        let early = try runCtl(["tickets", "handle", ticketID] + operatorOptions, in: files)
        #expect(early.status == 1)
        #expect(early.stderr.contains("409"), "\(early.stderr)")

        for (step, said) in [("accept", "accepted"), ("investigate", "investigated"), ("handle", "handled"), ("feedback", "fed back")] {
            let result = try runCtl(["tickets", step, ticketID, "--note", "\(step) by the book"] + operatorOptions, in: files)
            #expect(result.status == 0, "\(step): \(result.stderr)")
            #expect(result.stdout.hasPrefix("\(ticketID) \(said)"), "\(result.stdout)")
        }

        let show = try runCtl(["tickets", "show", ticketID, "--config", config, "--format", "json"], in: files)
        #expect(show.status == 0, "\(show.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(show.stdout.utf8)) as? [String: Any])
        #expect((document["ticket"] as? [String: Any])?["state"] as? String == "closed")
        #expect((document["ticket"] as? [String: Any])?["close_reason"] as? String == "completed")
        let steps = try #require(document["steps"] as? [[String: Any]])
        #expect(steps.compactMap { $0["done_by"] as? String } == Array(repeating: "operator-1", count: 4))
        let archive = try #require(document["history"] as? [[String: Any]])
        let done = archive.filter { $0["kind"] as? String == "step_done" }
        #expect(done.count == 4, "\(archive)")
        #expect(done.allSatisfy { $0["actor"] as? String == "operator-1" }, "\(archive)")
        #expect(done.compactMap { $0["note"] as? String } == ["accept", "investigate", "handle", "feedback"].map { "\($0) by the book" })
        #expect(json(try runCtl(["tickets", "list", "--config", config, "--format", "json"], in: files).stdout).isEmpty)

        // The device: known to the store; out of service and back through the API.
        let out = try runCtl(["devices", "out-of-service", "dev-0", "--site", "lab", "--for", "8h"] + operatorOptions, in: files)
        #expect(out.status == 0, "\(out.stderr)")
        let devices = json(try runCtl(["devices", "list"] + operatorOptions + ["--format", "json"], in: files).stdout)
        #expect(devices.first?["device"] as? String == "dev-0")
        #expect(devices.first?["metrics"] as? Int == 1)
        if !(devices.first?["out_of_service"] is NSNull) {
            #expect(devices.first?["out_of_service"] as? String == "yes")
        }
        let back = try runCtl(["devices", "in-service", "dev-0", "--site", "lab"] + operatorOptions, in: files)
        #expect(back.status == 0, "\(back.stderr)")
    }

    /// A daemon without `api.token_file` lets anyone read but nobody change: the CLI says what the
    /// daemon's configuration lacks, and that listings do not need it.
    @Test func changesNeedATokenFileOnTheDaemon() throws {
        let files = try TemporaryDirectory(prefix: "rules-e2e-no-tokens")
        let harness = try GatewayHarness(extra: Self.rules)
        try harness.startDaemon()
        defer { _ = harness.stopDaemon() }
        let refused = try runCtl(["alerts", "ack", "A1", "--config", harness.configPath], in: files)
        #expect(refused.status == 1)
        #expect(
            refused.stderr.contains("changes need an operator token: the daemon has no api.token_file"), "\(refused.stderr)")
        let listing = try runCtl(["tickets", "list", "--config", harness.configPath], in: files)
        #expect(listing.status == 0, "\(listing.stderr)")
        #expect(listing.stdout.contains("(no rows)"))
    }
}
