import Foundation
import GatewayTestSupport
import Testing

/// The systemd deployment (issue 8, items 1 and 4) without systemd as PID 1: the unit's offline
/// security analysis, `systemd-analyze verify` of the unit as `scripts/install` stages it, the
/// staged sysusers.d and tmpfiles.d entries applied to the staging root, `--check` of the shipped
/// example configuration with credentials, install → upgrade → uninstall in a staging root, and
/// the hardened mosquitto example. Nothing here touches the machine's own /etc or services.
@Suite(.serialized) struct DeploymentTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let systemdAnalyze = "/usr/bin/systemd-analyze"
    static let hasSystemdTools = FileManager.default.isExecutableFile(atPath: systemdAnalyze)

    /// Runs a program to its end; stdout and stderr together.
    func run(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:], in directory: TemporaryDirectory
    ) throws -> (status: Int32?, output: String) {
        let log = directory.file("run-\(UUID().uuidString).log")
        let process = try ChildProcess(
            executable: URL(fileURLWithPath: executable), arguments: arguments, environment: environment, stderrURL: log)
        let status = process.waitForExit(timeoutSeconds: 120)
        return (status, process.stderrText())
    }

    func binDirectory() throws -> String {
        try BuiltProducts.executable(named: "utility-gatewayd").deletingLastPathComponent().path
    }

    @Test(.enabled(if: hasSystemdTools)) func theUnitsSecurityExposureIsAtMostOnePointFive() throws {
        let directory = try TemporaryDirectory(prefix: "unit")
        let unit = Self.repository.appendingPathComponent("systemd/utility-gateway.service").path
        let result = try run(Self.systemdAnalyze, ["security", "--offline=yes", "--threshold=15", unit], in: directory)
        #expect(result.status == 0, "\(result.output)")
        let line = result.output.split(separator: "\n").first { $0.contains("Overall exposure level") }
        let score = line.flatMap { $0.split(separator: ":").last?.split(separator: " ").first }.flatMap { Double($0) }
        let exposure = try #require(score, "\(result.output)")
        #expect(exposure <= 1.5, "\(line ?? "")")
    }

    @Test(.enabled(if: hasSystemdTools)) func installStagesAVerifiableUnitAndUpgradeAndUninstallKeepWhatTheyShould() throws {
        let directory = try TemporaryDirectory(prefix: "install")
        let root = directory.file("root").path
        let install = Self.repository.appendingPathComponent("scripts/install").path
        let uninstall = Self.repository.appendingPathComponent("scripts/uninstall").path
        let installed = try run(install, ["--destdir", root, "--bin-dir", try binDirectory()], in: directory)
        try #require(installed.status == 0, "\(installed.output)")
        let fileManager = FileManager.default
        for path in [
            "usr/local/bin/utility-gatewayd", "usr/local/bin/utility-gatewayctl",
            "usr/local/lib/systemd/system/utility-gateway.service", "usr/local/lib/sysusers.d/utility-gateway.conf",
            "usr/local/lib/tmpfiles.d/utility-gateway.conf", "etc/utility-gateway/gateway.yaml",
            "etc/utility-gateway/rules/water.yaml", "usr/local/share/doc/utility-gateway/examples/mosquitto/utility-gateway.conf",
            "usr/local/share/utility-gateway/installed-files",
        ] {
            #expect(fileManager.fileExists(atPath: "\(root)/\(path)"), "\(path) was not installed")
        }

        // verify needs the binaries where ExecStart= says: point the staged unit at the staged root.
        let unitText = try String(contentsOfFile: "\(root)/usr/local/lib/systemd/system/utility-gateway.service", encoding: .utf8)
        let verifiable = directory.file("utility-gateway.service")
        try unitText.replacingOccurrences(of: "/usr/local/bin/", with: "\(root)/usr/local/bin/")
            .write(to: verifiable, atomically: true, encoding: .utf8)
        let verified = try run(Self.systemdAnalyze, ["verify", "--man=no", verifiable.path], in: directory)
        #expect(verified.status == 0 && verified.output.isEmpty, "\(verified.output)")

        // The user, the group and the directories, as the machine would get them.
        let sysusers = try run(
            "/usr/bin/systemd-sysusers", ["--root=\(root)", "\(root)/usr/local/lib/sysusers.d/utility-gateway.conf"], in: directory)
        #expect(sysusers.status == 0, "\(sysusers.output)")
        let passwd = (try? String(contentsOfFile: "\(root)/etc/passwd", encoding: .utf8)) ?? ""
        #expect(passwd.contains("utility-gateway:x:") && passwd.contains("/usr/sbin/nologin"), "\(passwd)")
        let tmpfiles = try run(
            "/usr/bin/systemd-tmpfiles", ["--root=\(root)", "--create", "\(root)/usr/local/lib/tmpfiles.d/utility-gateway.conf"],
            in: directory)
        #expect(tmpfiles.status == 0, "\(tmpfiles.output)")
        let state = try fileManager.attributesOfItem(atPath: "\(root)/var/lib/utility-gateway")
        #expect((state[.posixPermissions] as? Int) == 0o750)

        // The example configuration passes --check once its credential exists (as systemd passes it).
        let credentials = directory.file("credentials")
        try fileManager.createDirectory(at: credentials, withIntermediateDirectories: true)
        let config = "\(root)/etc/utility-gateway/gateway.yaml"
        let missing = try run(
            "\(root)/usr/local/bin/utility-gatewayd", ["--config", config, "--check"],
            environment: ["CREDENTIALS_DIRECTORY": credentials.path], in: directory)
        #expect(missing.status == 1 && missing.output.contains("broker-password"), "\(missing.output)")
        try "secret\n".write(to: credentials.appendingPathComponent("broker-password"), atomically: true, encoding: .utf8)
        let checked = try run(
            "\(root)/usr/local/bin/utility-gatewayd", ["--config", config, "--check"],
            environment: ["CREDENTIALS_DIRECTORY": credentials.path], in: directory)
        #expect(checked.status == 0, "\(checked.output)")

        // Upgrade: an edited configuration is kept, the new example goes next to it.
        let edited = try String(contentsOfFile: config, encoding: .utf8) + "# edited by the operator\n"
        try edited.write(toFile: config, atomically: true, encoding: .utf8)
        try "data".write(toFile: "\(root)/var/lib/utility-gateway/gateway.sqlite", atomically: true, encoding: .utf8)
        let upgraded = try run(install, ["--destdir", root, "--bin-dir", try binDirectory()], in: directory)
        #expect(upgraded.status == 0, "\(upgraded.output)")
        #expect(try String(contentsOfFile: config, encoding: .utf8) == edited)
        #expect(fileManager.fileExists(atPath: config + ".example"))

        // Uninstall removes what was installed and keeps the data and the configuration.
        let removed = try run(uninstall, ["--destdir", root], in: directory)
        #expect(removed.status == 0, "\(removed.output)")
        for path in [
            "usr/local/bin/utility-gatewayd", "usr/local/lib/systemd/system/utility-gateway.service",
            "usr/local/share/utility-gateway/installed-files", "etc/utility-gateway/gateway.yaml.example",
        ] {
            #expect(!fileManager.fileExists(atPath: "\(root)/\(path)"), "\(path) was left behind")
        }
        #expect(try String(contentsOfFile: config, encoding: .utf8) == edited, "the configuration is kept")
        #expect(fileManager.fileExists(atPath: "\(root)/etc/utility-gateway/rules/water.yaml"))
        #expect(fileManager.fileExists(atPath: "\(root)/var/lib/utility-gateway/gateway.sqlite"), "the data is kept")
    }

    /// The hardened broker example starts as written (loopback only), refuses anonymous clients,
    /// and lets a device publish its own telemetry only.
    @Test func theHardenedMosquittoExampleRefusesAnonymousClientsAndConfinesDevices() throws {
        let directory = try TemporaryDirectory(prefix: "mosquitto-example")
        let port = try LoopbackPort.free()
        let examples = Self.repository.appendingPathComponent("config/deploy/mosquitto")
        let passwords = directory.file("passwd").path
        let acl = directory.file("acl").path
        try FileManager.default.copyItem(atPath: examples.appendingPathComponent("utility-gateway.acl").path, toPath: acl)
        var text = try String(contentsOf: examples.appendingPathComponent("utility-gateway.conf"), encoding: .utf8)
        text = text.replacingOccurrences(of: "listener 1883 127.0.0.1", with: "listener \(port) 127.0.0.1")
            .replacingOccurrences(of: "/etc/mosquitto/passwd", with: passwords)
            .replacingOccurrences(of: "/etc/mosquitto/utility-gateway.acl", with: acl)
        text += "\npersistence_location \(directory.path)/\nlog_dest file \(directory.file("mosquitto.log").path)\n"
        if getuid() == 0 { text += "user root\n" }
        try text.write(to: directory.file("mosquitto.conf"), atomically: true, encoding: .utf8)
        for (user, password) in [("gateway", "gw-pass"), ("dev-7", "dev-pass")] {
            let arguments = (FileManager.default.fileExists(atPath: passwords) ? ["-b"] : ["-c", "-b"]) + [passwords, user, password]
            let added = try run("/usr/bin/mosquitto_passwd", arguments, in: directory)
            try #require(added.status == 0, "\(added.output)")
        }
        let broker = try ChildProcess(
            executable: URL(fileURLWithPath: MosquittoBroker.executablePath), arguments: ["-c", directory.file("mosquitto.conf").path],
            stderrURL: directory.file("broker.err"))
        defer { broker.terminate() }
        #expect(eventually(timeoutSeconds: 30) { LoopbackPort.accepts(port) || !broker.isRunning }, "\(broker.stderrText())")
        try #require(broker.isRunning, "\(broker.stderrText())")

        let host = ["-h", "127.0.0.1", "-p", "\(port)", "-q", "1"]
        let anonymous = try run("/usr/bin/mosquitto_pub", host + ["-t", "utilities/water/s1/dev-7/telemetry", "-m", "x"], in: directory)
        #expect(anonymous.status != 0, "an anonymous client was accepted: \(anonymous.output)")
        // Retained, so that the gateway's subscription below sees exactly what the broker kept.
        let device = host + ["-u", "dev-7", "-P", "dev-pass", "-r"]
        #expect(try run("/usr/bin/mosquitto_pub", device + ["-t", "utilities/water/s1/dev-7/telemetry", "-m", "own"], in: directory).status == 0)
        _ = try run("/usr/bin/mosquitto_pub", device + ["-t", "utilities/water/s1/dev-8/telemetry", "-m", "forged"], in: directory)
        let seen = try run(
            "/usr/bin/mosquitto_sub", host + ["-u", "gateway", "-P", "gw-pass", "-t", "utilities/#", "-v", "-C", "2", "-W", "5"],
            in: directory)
        #expect(seen.output.contains("utilities/water/s1/dev-7/telemetry own"), "\(seen.output)")
        #expect(!seen.output.contains("forged"), "a device published as another: \(seen.output)")
    }
}
