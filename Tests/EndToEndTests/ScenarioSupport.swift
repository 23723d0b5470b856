import Foundation
import GatewayTestSupport

/// What the simulator's end-to-end tests share: the repository's shipped scenario files and
/// scenario gateway configuration, a daemon configured like `simulators/gateway-scenarios.yaml`,
/// and `utility-sim` as a child process.
enum ScenarioSupport {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let scenariosDirectory = repositoryRoot.appendingPathComponent("simulators/scenarios")

    /// Every shipped scenario file's name, sorted.
    static var allShippedScenarios: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: scenariosDirectory.path)) ?? [])
            .filter { $0.hasSuffix(".yaml") }.sorted()
    }

    /// Shipped scenarios that need more than a broker and a daemon — runner commands and what they
    /// act on — each run end to end by the test named here instead of `ScenarioEndToEndTests`.
    static let dedicatedScenarios = ["uplink-outage.yaml": "UplinkOutageScenarioTests"]

    /// The shipped scenarios that `ScenarioEndToEndTests` runs as they are.
    static var shippedScenarios: [String] {
        allShippedScenarios.filter { dedicatedScenarios[$0] == nil }
    }

    static func scenario(_ name: String) -> String { scenariosDirectory.appendingPathComponent(name).path }

    /// The `routes`, `devices` and `rules` sections of `simulators/gateway-scenarios.yaml`, with the
    /// rule pack includes made absolute: the harness writes its own gateway/broker/api sections.
    static func gatewaySections() throws -> (routes: String, extra: String) {
        let text = try String(contentsOf: repositoryRoot.appendingPathComponent("simulators/gateway-scenarios.yaml"), encoding: .utf8)
        var sections: [String: [Substring]] = [:]
        var current: String?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if let first = line.first, first.isLetter, let colon = line.firstIndex(of: ":") {
                current = String(line[..<colon])
            }
            if let current { sections[current, default: []].append(line) }
        }
        func section(_ name: String) -> String { (sections[name] ?? []).joined(separator: "\n") }
        let rules = section("rules").replacingOccurrences(of: "../config/rules/", with: repositoryRoot.appendingPathComponent("config/rules").path + "/")
        return (section("routes"), section("devices") + "\n" + rules)
    }

    /// A broker and a daemon configured for scenarios (`apiExtra`: more `api:` lines, such as a token file).
    /// (`extra`: more top-level sections, such as `uplink:`.)
    static func harness(apiExtra: String = "", extra: String = "") throws -> GatewayHarness {
        let sections = try gatewaySections()
        return try GatewayHarness(routes: sections.routes, apiExtra: apiExtra, extra: sections.extra + "\n" + extra)
    }

    /// Runs `utility-sim` to its end (at most `timeoutSeconds`).
    static func runSim(_ arguments: [String], in directory: TemporaryDirectory, timeoutSeconds: Double = 240) throws
        -> (status: Int32?, stdout: String, stderr: String)
    {
        let name = "sim-\(UUID().uuidString.prefix(8))"
        let process = try ChildProcess(
            executable: try BuiltProducts.executable(named: "utility-sim"), arguments: arguments,
            stderrURL: directory.file("\(name).err"), stdoutURL: directory.file("\(name).out"))
        let status = process.waitForExit(timeoutSeconds: timeoutSeconds)
        if status == nil { process.send(SIGKILL) }
        let out = (try? String(contentsOf: directory.file("\(name).out"), encoding: .utf8)) ?? ""
        return (status, out, process.stderrText())
    }
}
