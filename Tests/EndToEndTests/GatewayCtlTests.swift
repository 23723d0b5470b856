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

        let csv = try ctl(["readings", "--config", harness.configPath, "--limit", "2", "--format", "csv"])
        #expect(csv.stdout.hasPrefix("seq,utility,site,device,metric,value,unit,ts,received_at\r\n"))
        #expect(csv.stdout.split(separator: "\r\n").count == 3)

        let table = try ctl(["summary", "--config", harness.configPath])
        #expect(table.status == 0)
        #expect(table.stdout.contains("water") && table.stdout.contains("volume") && table.stdout.contains("100"))
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
