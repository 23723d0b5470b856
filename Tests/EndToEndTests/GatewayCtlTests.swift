import Foundation
import GatewayCore
import GatewayTestSupport
import Testing

/// `utility-gatewayctl` against a database the real daemon wrote, with the daemon stopped.
@Suite(.serialized) struct GatewayCtlTests {
    func ctl(_ arguments: [String]) throws -> (status: Int32?, stdout: String, stderr: String) {
        let directory = try TemporaryDirectory(prefix: "ctl")
        let process = try ChildProcess(
            executable: try BuiltProducts.executable(named: "utility-gatewayctl"), arguments: arguments,
            stderrURL: directory.file("err.log"), stdoutURL: directory.file("out.log"))
        let status = process.waitForExit(timeoutSeconds: 60)
        let out = (try? String(contentsOf: directory.file("out.log"), encoding: .utf8)) ?? ""
        return (status, out, process.stderrText())
    }

    @Test func readingsInEveryFormatWhileTheDaemonIsStopped() throws {
        let harness = try GatewayHarness()
        try harness.startDaemon()
        let feed = try SequenceFeed(brokerURL: harness.broker.url, devices: 2)
        for i in 0..<100 { try feed.publish(i) }
        #expect(feed.finish())
        #expect(eventually(timeoutSeconds: 60) { harness.storedCount() >= 100 })
        #expect(harness.stopDaemon() == 0)

        let json = try ctl(["readings", "--config", harness.configPath, "--device", "dev-1", "--limit", "3", "--format", "json"])
        #expect(json.status == 0, "\(json.stderr)")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(rows.count == 3)
        #expect(Set(rows[0].keys) == ["seq", "utility", "site", "device", "metric", "value", "unit", "ts", "received_at"])
        #expect(rows.allSatisfy { $0["device"] as? String == "dev-1" })
        #expect(rows[0]["value"] as? Int == 99, "newest first")
        #expect(rows[0]["ts"] as? String == RFC3339.format(feed.base + 99))

        let typo = try ctl(["readings", "--config", harness.configPath, "--device", "dev-1x"])
        #expect(typo.status == 0)
        #expect(typo.stdout.contains("(no rows)"))
        #expect(typo.stderr.contains("note: no device 'dev-1x' in the store; did you mean 'dev-1'?"), "\(typo.stderr)")

        let csv = try ctl(["readings", "--config", harness.configPath, "--limit", "2", "--format", "csv"])
        #expect(csv.stdout.hasPrefix("seq,utility,site,device,metric,value,unit,ts,received_at\r\n"))
        #expect(csv.stdout.split(separator: "\r\n").count == 3)

        let table = try ctl(["summary", "--config", harness.configPath])
        #expect(table.status == 0)
        #expect(table.stdout.contains("water") && table.stdout.contains("volume") && table.stdout.contains("100"))
    }

    /// The operator surface end to end: a real broker, the daemon with its API, the simulator-like
    /// feed, then `status` through the API and `readings` from the database, and the API's own
    /// readings page.
    @Test func statusThroughTheAPIAndReadingsWhileTheDaemonRuns() throws {
        let harness = try GatewayHarness()
        try harness.startDaemon()
        defer { _ = harness.stopDaemon() }
        let feed = try SequenceFeed(brokerURL: harness.broker.url, devices: 3)
        for i in 0..<60 { try feed.publish(i) }
        #expect(feed.finish())
        #expect(eventually(timeoutSeconds: 60) { harness.storedCount() >= 60 })

        var status = try ctl(["status", "--config", harness.configPath, "--format", "json"])
        #expect(status.status == 0, "\(status.stderr)\n\(harness.logs())")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
        #expect(document["ready"] as? Bool == true)
        #expect((document["broker"] as? [String: Any])?["state"] as? String == "connected")
        let routes = try #require(document["routes"] as? [[String: Any]])
        #expect(routes.first?["route"] as? String == "test")
        #expect(routes.first?["received"] as? Int == 60)
        #expect(routes.first?["readings"] as? Int == 60)
        #expect((document["store"] as? [String: Any])?["readings"] as? Int == 60)

        status = try ctl(["status", "--api", harness.apiURL])
        #expect(status.status == 0)
        #expect(status.stdout.contains("ready    yes"))
        #expect(status.stdout.contains("test") && status.stdout.contains("60"))

        let readings = try ctl(["readings", "--config", harness.configPath, "--device", "dev-2", "--format", "json"])
        #expect(readings.status == 0, "\(readings.stderr)")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(readings.stdout.utf8)) as? [[String: Any]])
        #expect(rows.count == 20)
        #expect(rows.first?["value"] as? Int == 59)

        // The same through the API, with curl as an operator would.
        let curl = try ChildProcess(
            executable: URL(fileURLWithPath: "/usr/bin/curl"),
            arguments: ["-sf", "\(harness.apiURL)/api/v1/readings?device=dev-2&limit=5"],
            stderrURL: harness.directory.file("curl.err"), stdoutURL: harness.directory.file("curl.out"))
        #expect(curl.waitForExit(timeoutSeconds: 30) == 0)
        let page = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: harness.directory.file("curl.out"))) as? [String: Any])
        #expect((page["items"] as? [[String: Any]])?.count == 5)
        #expect(page["next_cursor"] is String)
    }

    @Test func statusSaysWhereTheDaemonWasNotFound() throws {
        let port = try LoopbackPort.free()
        let result = try ctl(["status", "--api", "http://127.0.0.1:\(port)"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("daemon not reachable at http://127.0.0.1:\(port)"))
        #expect(result.stderr.contains("queries still work with --config"))
        let bad = try ctl(["status", "--api", "127.0.0.1:8480"])
        #expect(bad.status == 64)
        #expect(bad.stderr.contains("--api must start with http://"))
    }

    @Test func usageAndMissingDatabaseErrorsSayWhatToFix() throws {
        let bad = try ctl(["readings", "--database", "/tmp/x.sqlite", "--limit", "0"])
        #expect(bad.status == 64)
        #expect(bad.stderr.contains("--limit"))
        let neither = try ctl(["readings"])
        #expect(neither.status == 64)
        #expect(neither.stderr.contains("--config"))
        let missing = try ctl(["readings", "--database", "/nonexistent/gateway.sqlite"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("/nonexistent/gateway.sqlite"))
    }
}
