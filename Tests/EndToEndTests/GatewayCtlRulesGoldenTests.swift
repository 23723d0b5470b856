import Foundation
import GatewayCore
import GatewayTestSupport
import Testing

/// `utility-gatewayctl alerts`, `tickets` and `devices` listings, byte for byte, in every format,
/// against golden files in `golden/` — over a store the real rules stage wrote
/// (`RulesGoldenStore`). `UPDATE_GOLDEN=1` rewrites the files; review the diff.
@Suite(.serialized) struct GatewayCtlRulesGoldenTests {
    static let cases: [(name: String, arguments: [String])] = [
        ("alerts-list.table", ["alerts", "list", "--state", "all"]),
        ("alerts-list.json", ["alerts", "--format", "json"]),
        ("alerts-list.csv", ["alerts", "list", "--state", "all", "--format", "csv"]),
        ("alerts-show.table", ["alerts", "show", "a1"]),
        ("alerts-history.table", ["alerts", "history", "A1"]),
        ("alerts-history.json", ["alerts", "history", "A1", "--format", "json"]),
        ("alerts-history.csv", ["alerts", "history", "A1", "--format", "csv"]),
        ("tickets-list.table", ["tickets", "list", "--state", "all"]),
        ("tickets-list.json", ["tickets", "--format", "json"]),
        ("tickets-list.csv", ["tickets", "list", "--state", "all", "--format", "csv"]),
        ("tickets-show.table", ["tickets", "show", "T1"]),
        ("tickets-show.json", ["tickets", "show", "T2", "--format", "json"]),
        ("tickets-show.csv", ["tickets", "show", "T1", "--format", "csv"]),
        ("devices-list.table", ["devices", "list"]),
        ("devices-list.csv", ["devices", "--format", "csv"]),
    ]

    @Test(arguments: cases.map(\.name))
    func outputMatchesTheGoldenFile(name: String) throws {
        let directory = try TemporaryDirectory(prefix: "ctl-rules-golden")
        let database = try RulesGoldenStore.make(in: directory)
        let arguments = Self.cases.first { $0.name == name }!.arguments + ["--database", database]
        let process = try ChildProcess(
            executable: try BuiltProducts.executable(named: "utility-gatewayctl"), arguments: arguments,
            stderrURL: directory.file("err.log"), stdoutURL: directory.file("out.log"))
        #expect(process.waitForExit(timeoutSeconds: 60) == 0, "\(process.stderrText())")
        #expect(process.stderrText().isEmpty, "\(process.stderrText())")
        let output = try String(contentsOf: directory.file("out.log"), encoding: .utf8)
        let golden = GatewayCtlGoldenTests.goldenDirectory.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1" {
            try output.write(to: golden, atomically: true, encoding: .utf8)
        }
        let expected = try String(contentsOf: golden, encoding: .utf8)
        #expect(output == expected, "utility-gatewayctl \(arguments.joined(separator: " ")) differs from golden/\(name)")
    }

    /// The JSON forms parse, and the filters select what they say.
    @Test func filtersAndJSONShapes() throws {
        let directory = try TemporaryDirectory(prefix: "ctl-rules-filters")
        let database = try RulesGoldenStore.make(in: directory)
        func rows(_ arguments: [String]) throws -> [[String: Any]] {
            let result = try runCtl(arguments + ["--database", database, "--format", "json"], in: directory)
            #expect(result.status == 0, "\(result.stderr)")
            return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        }
        // A4 is the overdue ticket step's alert (ticket.overdue, critical like its ticket).
        #expect(try rows(["alerts", "list", "--severity", "critical"]).compactMap { $0["id"] as? String } == ["A4", "A3", "A1"])
        #expect(try rows(["alerts", "list", "--state", "cleared"]).compactMap { $0["id"] as? String } == ["A2"])
        #expect(try rows(["alerts", "list", "--state", "all", "--site", "south, east"]).compactMap { $0["id"] as? String } == ["A4", "A3"])
        #expect(try rows(["alerts", "list", "--rule", "ticket.overdue"]).first?["metric"] as? String == "ticket:T2")
        #expect(try rows(["alerts", "list", "--state", "all", "--rule", "power.voltage.high"]).count == 1)
        #expect(try rows(["alerts", "list", "--state", "all", "--until", "2026-03-02T08:01:30Z"]).count == 2)
        #expect(try rows(["alerts", "list", "--state", "active_ack,cleared"]).count == 2)
        #expect(try rows(["tickets", "list", "--state", "closed"]).compactMap { $0["id"] as? String } == ["T2"])
        #expect(try rows(["tickets", "list", "--step", "handle"]).compactMap { $0["id"] as? String } == ["T1"])
        #expect(try rows(["tickets", "list", "--overdue"]).compactMap { $0["id"] as? String } == ["T1"])
        #expect(try rows(["tickets", "list", "--device", "p-9"]).isEmpty)

        let show = try runCtl(["tickets", "show", "T1", "--database", database, "--format", "json"], in: directory)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(show.stdout.utf8)) as? [String: Any])
        #expect((document["ticket"] as? [String: Any])?["assignee"] as? String == "crew-3")
        #expect((document["steps"] as? [[String: Any]])?.compactMap { $0["done_by"] as? String } == ["alice", "bob"])
        let history = try #require(document["history"] as? [[String: Any]])
        #expect(history.compactMap { $0["kind"] as? String } == ["opened", "step_done", "assigned", "step_done"])

        let missing = try runCtl(["alerts", "show", "A99", "--database", database], in: directory)
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("no alert A99"), "\(missing.stderr)")
        let noTicket = try runCtl(["tickets", "show", "T9", "--database", database], in: directory)
        #expect(noTicket.status == 1)
        #expect(noTicket.stderr.contains("no ticket T9"), "\(noTicket.stderr)")
    }
}

/// Runs `utility-gatewayctl` with its output in `directory`.
func runCtl(_ arguments: [String], in directory: TemporaryDirectory) throws -> (status: Int32?, stdout: String, stderr: String) {
    let name = UUID().uuidString
    let process = try ChildProcess(
        executable: try BuiltProducts.executable(named: "utility-gatewayctl"), arguments: arguments,
        stderrURL: directory.file("\(name).err"), stdoutURL: directory.file("\(name).out"))
    let status = process.waitForExit(timeoutSeconds: 60)
    let out = (try? String(contentsOf: directory.file("\(name).out"), encoding: .utf8)) ?? ""
    return (status, out, process.stderrText())
}
