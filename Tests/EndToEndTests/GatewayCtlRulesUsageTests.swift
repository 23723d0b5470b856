import Foundation
import GatewayTestSupport
import Testing

/// Usage errors of the alert, ticket and device commands: exit status 64 and a message that names
/// what was expected, before any database or daemon is asked; and what an operator reads when the
/// daemon is not there for a change.
@Suite struct GatewayCtlRulesUsageTests {
    static let usageCases: [(arguments: [String], says: String)] = [
        (["alerts", "show", "X7", "--database", "/tmp/none.sqlite"], "alert ids look like A7"),
        (["alerts", "history", "7", "--database", "/tmp/none.sqlite"], "alert ids look like A7"),
        (["alerts", "ack", "T1"], "alert ids look like A7"),
        (["tickets", "accept", "A1"], "ticket ids look like T3"),
        (["tickets", "show", "T-1", "--database", "/tmp/none.sqlite"], "ticket ids look like T3"),
        (["alerts", "shelve", "A1"], "shelving needs an end"),
        (["alerts", "shelve", "A1", "--for", "2h", "--until", "2026-11-27T18:00:00Z"], "not both"),
        (["alerts", "shelve", "A1", "--for", "2 hours"], "--for takes a duration such as"),
        (["alerts", "shelve", "A1", "--for", "0s"], "--for takes a duration such as"),
        (["alerts", "shelve", "A1", "--until", "tomorrow"], "--until takes an RFC 3339 time"),
        (["devices", "out-of-service", "p-7", "--for", "8h", "--until", "2026-11-27T18:00:00Z"], "not both"),
        (["alerts", "list", "--state", "acked", "--database", "/tmp/none.sqlite"], "--state takes open, all or"),
        (["alerts", "list", "--limit", "0", "--database", "/tmp/none.sqlite"], "--limit"),
        (["alerts", "list"], "--config"),
        (["tickets", "list", "--state", "closed", "--overdue", "--database", "/tmp/none.sqlite"], "open tickets"),
        (["tickets", "close", "T1"], "--reason"),
        (["tickets", "close", "T1", "--reason", "completed"], "--reason"),
        (["tickets", "assign", "T1"], "--to"),
        (["tickets", "note", "T1"], "--note"),
        (["devices", "list"], "--config"),
        (["devices", "list", "--config", "/tmp/g.yaml", "--api", "http://127.0.0.1:1"], "not both"),
        (["alerts", "ack", "A1", "--api", "127.0.0.1:8480"], "--api must start with http://"),
    ]

    @Test(arguments: usageCases.indices)
    func usageErrorsExit64AndSayWhatWasExpected(index: Int) throws {
        let (arguments, says) = Self.usageCases[index]
        let directory = try TemporaryDirectory(prefix: "ctl-usage")
        let result = try runCtl(arguments, in: directory)
        #expect(result.status == 64, "\(arguments): \(result.stderr)")
        #expect(result.stderr.contains(says), "\(arguments): \(result.stderr)")
    }

    @Test func changesWithoutADaemonSayThatTheyNeedIt() throws {
        let directory = try TemporaryDirectory(prefix: "ctl-unreachable")
        let url = "http://127.0.0.1:\(try LoopbackPort.free())"
        for arguments in [
            ["alerts", "ack", "A1"], ["alerts", "shelve", "A1", "--for", "2h"], ["tickets", "accept", "T1"],
            ["tickets", "close", "T1", "--reason", "false_alarm"], ["devices", "out-of-service", "p-7", "--for", "8h"],
        ] {
            let result = try runCtl(arguments + ["--api", url], in: directory)
            #expect(result.status == 1, "\(arguments)")
            #expect(result.stderr.contains("daemon not reachable at \(url)"), "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains("changes need the running daemon (listings still work with --config)"))
        }
    }

    /// `devices list` reads the store even when the daemon is down, and says why the
    /// out-of-service column is empty.
    @Test func devicesListWithoutTheDaemon() throws {
        let directory = try TemporaryDirectory(prefix: "ctl-devices")
        let database = try RulesGoldenStore.make(in: directory)
        let url = "http://127.0.0.1:\(try LoopbackPort.free())"
        let result = try runCtl(["devices", "list", "--database", database, "--api", url, "--format", "json"], in: directory)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("note: out_of_service not shown: the daemon is not reachable at \(url)"))
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        #expect(rows.compactMap { $0["device"] as? String } == ["=HYPERLINK(\"x\")", "p-7", "p-9"])
        #expect(rows.allSatisfy { $0["out_of_service"] is NSNull })
    }
}
