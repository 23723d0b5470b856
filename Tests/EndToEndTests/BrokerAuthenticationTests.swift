import Foundation
import GatewayTestSupport
import Testing

/// A broker that requires a username and password: the daemon reads the password from
/// `password_file` (never inline) and never writes it to its log.
@Suite(.serialized) struct BrokerAuthenticationTests {
    let secret = "s3cret-Pa55-\(UUID().uuidString.prefix(8))"

    func authenticatedBroker(_ directory: TemporaryDirectory) throws -> MosquittoBroker {
        let passwords = directory.file("mosquitto.passwd").path
        let tool = try ChildProcess(
            executable: URL(fileURLWithPath: "/usr/bin/mosquitto_passwd"), arguments: ["-c", "-b", passwords, "gateway", secret],
            stderrURL: directory.file("passwd.log"))
        #expect(tool.waitForExit(timeoutSeconds: 30) == 0, "\(tool.stderrText())")
        var configuration = MosquittoBroker.Configuration()
        configuration.extraLines = ["allow_anonymous false", "password_file \(passwords)"]
        return try MosquittoBroker(configuration: configuration)
    }

    func harness(password: String) throws -> (GatewayHarness, TemporaryDirectory) {
        let directory = try TemporaryDirectory(prefix: "auth")
        let broker = try authenticatedBroker(directory)
        try (password + "\n").write(to: directory.file("broker-password"), atomically: true, encoding: .utf8)
        let harness = try GatewayHarness(
            broker: broker,
            brokerExtra: "  username: gateway\n  password_file: \(directory.file("broker-password").path)")
        return (harness, directory)
    }

    @Test func theDaemonAuthenticatesWithThePasswordFromItsFile() throws {
        let (harness, directory) = try harness(password: secret)
        _ = directory
        try harness.startDaemon()
        let feed = try SequenceFeed(brokerURL: harness.broker.url, username: "gateway", password: secret)
        for i in 0..<100 { try feed.publish(i) }
        #expect(feed.finish())
        #expect(eventually(timeoutSeconds: 60) { harness.storedCount() >= 100 }, "\(harness.logs())")
        #expect(harness.stopDaemon() == 0)
        #expect(!harness.logs().contains(secret), "the password was logged")
    }

    @Test func aWrongPasswordIsReportedAndRetriedWithoutLoggingIt() throws {
        let (harness, directory) = try harness(password: "wrong-\(secret)")
        _ = directory
        #expect(throws: (any Error).self) { try harness.startDaemon(subscribeTimeoutSeconds: 3) }
        #expect(harness.daemon?.isRunning == true, "a refused connection must be retried, not fatal")
        #expect(eventually(timeoutSeconds: 30) { harness.logs().contains("refused") }, "\(harness.logs())")
        #expect(!harness.logs().contains(secret), "the password was logged")
        #expect(harness.stopDaemon() == 0)
    }
}
