import Foundation
import GatewayCore
import GatewayTestSupport
import Testing

/// The daemon's API as deployed: with a token file, on a unix socket, and over TLS — each through
/// a real daemon, a real broker and the real clients (`utility-gatewayctl`, curl).
@Suite struct APIEndToEndTests {
    static let token = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

    func run(_ executable: URL, _ arguments: [String], in directory: TemporaryDirectory) throws -> (status: Int32?, stdout: String, stderr: String) {
        let name = UUID().uuidString
        let process = try ChildProcess(
            executable: executable, arguments: arguments, stderrURL: directory.file("\(name).err"),
            stdoutURL: directory.file("\(name).out"))
        let status = process.waitForExit(timeoutSeconds: 60)
        let out = (try? String(contentsOf: directory.file("\(name).out"), encoding: .utf8)) ?? ""
        return (status, out, process.stderrText())
    }

    func ctl(_ arguments: [String], in directory: TemporaryDirectory) throws -> (status: Int32?, stdout: String, stderr: String) {
        try run(try BuiltProducts.executable(named: "utility-gatewayctl"), arguments, in: directory)
    }

    func curl(_ arguments: [String], in directory: TemporaryDirectory) throws -> (status: Int32?, stdout: String, stderr: String) {
        try run(URL(fileURLWithPath: "/usr/bin/curl"), ["-s"] + arguments, in: directory)
    }

    @Test func aTokenFileMakesEveryRequestButTheProbesNeedAToken() throws {
        let files = try TemporaryDirectory(prefix: "api-tokens")
        let tokenFile = files.file("api-tokens")
        try "# name token\noperator-1 \(Self.token)\n".write(to: tokenFile, atomically: true, encoding: .utf8)
        let mine = files.file("my-token")
        try "\(Self.token)\n".write(to: mine, atomically: true, encoding: .utf8)
        let harness = try GatewayHarness(apiExtra: "  token_file: \(tokenFile.path)")
        try harness.startDaemon()
        defer { _ = harness.stopDaemon() }

        let anonymous = try curl(["-o", "/dev/null", "-w", "%{http_code}", "\(harness.apiURL)/api/v1/status"], in: files)
        #expect(anonymous.stdout == "401")
        let probe = try curl(["-o", "/dev/null", "-w", "%{http_code}", "\(harness.apiURL)/healthz"], in: files)
        #expect(probe.stdout == "200")
        let withToken = try curl(
            ["-o", "/dev/null", "-w", "%{http_code}", "-H", "Authorization: Bearer \(Self.token)", "\(harness.apiURL)/metrics"],
            in: files)
        #expect(withToken.stdout == "200")

        let refused = try ctl(["status", "--config", harness.configPath], in: files)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("pass --token-file FILE"), "\(refused.stderr)")
        let allowed = try ctl(["status", "--config", harness.configPath, "--token-file", mine.path], in: files)
        #expect(allowed.status == 0, "\(allowed.stderr)")
        #expect(allowed.stdout.contains("ready    yes"))
    }

    @Test func aUnixSocketListenerIsOwnerAndGroupOnly() throws {
        let files = try TemporaryDirectory(prefix: "api-unix")
        let socket = files.file("api.sock").path
        let harness = try GatewayHarness(apiListen: "unix:\(socket)")
        try harness.startDaemon()
        defer { _ = harness.stopDaemon() }
        #expect(eventually(timeoutSeconds: 30) { FileManager.default.fileExists(atPath: socket) })
        let permissions = try FileManager.default.attributesOfItem(atPath: socket)[.posixPermissions] as? Int
        #expect(eventually(timeoutSeconds: 10) {
            ((try? FileManager.default.attributesOfItem(atPath: socket)[.posixPermissions] as? Int) ?? 0) == 0o660
        }, "permissions \(String(permissions ?? 0, radix: 8))")

        let status = try ctl(["status", "--config", harness.configPath, "--format", "csv"], in: files)
        #expect(status.status == 0, "\(status.stderr)")
        #expect(status.stdout.hasPrefix("route,received,decoded,quarantined,readings\r\ntest,"))
        let ready = try curl(["--unix-socket", socket, "http://gateway/readyz"], in: files)
        #expect(ready.stdout.contains("\"ready\": true"))
    }

    @Test func tlsWithAPrivateCA() throws {
        let files = try TemporaryDirectory(prefix: "api-tls")
        let certificates = try TestCertificates(in: files)
        let harness = try GatewayHarness(apiExtra: """
              tls: { cert_file: \(certificates.serverCertFile.path), key_file: \(certificates.serverKeyFile.path) }
            """)
        try harness.startDaemon()
        defer { _ = harness.stopDaemon() }
        let url = "https://127.0.0.1:\(harness.apiPort)"

        let viaCurl = try curl(["--cacert", certificates.caFile.path, "\(url)/healthz"], in: files)
        #expect(viaCurl.stdout.contains("\"status\": \"ok\""), "\(viaCurl.stderr)")
        let untrusted = try ctl(["status", "--api", url], in: files)
        #expect(untrusted.status == 1)
        #expect(untrusted.stderr.contains("daemon not reachable at \(url)"))
        let trusted = try ctl(["status", "--config", harness.configPath, "--ca-file", certificates.caFile.path], in: files)
        #expect(trusted.status == 0, "\(trusted.stderr)")
        #expect(trusted.stdout.contains("ready    yes"))
    }
}
