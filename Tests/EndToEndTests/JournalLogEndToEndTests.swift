import Foundation
import GatewayTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Logs as journald reads them, and secrets that never reach them (issue 8, item 5): the broker
/// password and an API token come in as systemd credentials (`$CREDENTIALS_DIRECTORY`), and the
/// whole log of a start, an ingest, a reload and a stop is searched for them.
@Suite(.serialized) struct JournalLogEndToEndTests {
    let password = "broker-Pa55-\(UUID().uuidString.prefix(8))"
    let token = "tok3n" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased() + "x"

    @Test func underJournaldLinesCarryPrioritiesAndNoSecretIsEverLogged() throws {
        let files = try TemporaryDirectory(prefix: "journal")
        let passwords = files.file("mosquitto.passwd").path
        let tool = try ChildProcess(
            executable: URL(fileURLWithPath: "/usr/bin/mosquitto_passwd"), arguments: ["-c", "-b", passwords, "gateway", password],
            stderrURL: files.file("passwd.log"))
        #expect(tool.waitForExit(timeoutSeconds: 30) == 0, "\(tool.stderrText())")
        var brokerConfiguration = MosquittoBroker.Configuration()
        brokerConfiguration.extraLines = ["allow_anonymous false", "password_file \(passwords)"]
        let broker = try MosquittoBroker(configuration: brokerConfiguration)

        // What systemd's LoadCredential= would provide.
        let credentials = files.file("credentials")
        try FileManager.default.createDirectory(at: credentials, withIntermediateDirectories: true)
        try "\(password)\n".write(to: credentials.appendingPathComponent("broker-password"), atomically: true, encoding: .utf8)
        try "operator-1 \(token)\n".write(to: credentials.appendingPathComponent("api-tokens"), atomically: true, encoding: .utf8)

        let harness = try GatewayHarness(
            broker: broker, brokerExtra: "  username: gateway\n  password_credential: broker-password",
            apiExtra: "  token_credential: api-tokens")
        let environment = ["CREDENTIALS_DIRECTORY": credentials.path, "JOURNAL_STREAM": "8:12345"]
        try harness.startDaemon(environment: environment)
        let feed = try SequenceFeed(brokerURL: broker.url, username: "gateway", password: password)
        for i in 0..<200 { try feed.publish(i) }
        #expect(feed.finish())
        #expect(eventually(timeoutSeconds: 60) { harness.storedCount() >= 200 }, "\(harness.logs())")
        harness.daemon?.send(SIGHUP)
        #expect(eventually(timeoutSeconds: 60) { harness.logs().contains("reload.applied") }, "\(harness.logs())")
        #expect(harness.stopDaemon() == 0)

        let logs = harness.logs()
        let lines = logs.split(separator: "\n").map(String.init)
        #expect(lines.count > 10)
        for line in lines {
            #expect(line.range(of: #"^<[0-7]>"#, options: .regularExpression) != nil, "no priority prefix: \(line)")
            #expect(line.range(of: #"\d{4}-\d\d-\d\dT\d\d:\d\d"#, options: .regularExpression) == nil || line.contains("ts="),
                "journald adds its own timestamp: \(line)")
        }
        #expect(lines.contains { $0.hasPrefix("<3>") || $0.hasPrefix("<4>") || $0.hasPrefix("<5>") || $0.hasPrefix("<6>") })
        #expect(!logs.contains(password), "the broker password was logged")
        #expect(!logs.contains(token), "an API token was logged")
        #expect(!logs.contains(String(password.dropFirst(7))), "part of the broker password was logged")
    }

    @Test func outsideJournaldLinesStartWithATimestamp() throws {
        let harness = try GatewayHarness()
        try #require(ProcessInfo.processInfo.environment["JOURNAL_STREAM"] == nil, "the tests themselves run under journald")
        try harness.startDaemon()
        #expect(harness.stopDaemon() == 0)
        let lines = harness.logs().split(separator: "\n").map(String.init)
        #expect(!lines.isEmpty)
        for line in lines {
            #expect(line.range(of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z [A-Z]+ "#, options: .regularExpression) != nil, "\(line)")
        }
    }
}
