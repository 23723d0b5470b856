import Foundation
import GatewayConfig
import GatewayCore

/// One golden scenario folder, `testdata/rules/<case>/`:
/// - `rules.yaml`: the `devices`, `rules`, `calendar` and `alerting` sections of a configuration,
///   starting with a one-line `# comment` that says what the case proves;
/// - `readings.jsonl`: the inputs (see ``ScenarioStep``);
/// - `expected_events.jsonl`: every alert event, one projected line each (see ``ScenarioRun``);
/// - `expected_tickets.jsonl` (only when the case opens tickets): every ticket event.
struct ScenarioCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("testdata/rules", isDirectory: true)

    /// The case folders, sorted by name.
    static func names() -> [String] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        return entries.filter { name in
            var isDirectory: ObjCBool = false
            return !name.hasPrefix(".")
                && FileManager.default.fileExists(atPath: root.appendingPathComponent(name).path, isDirectory: &isDirectory)
                && isDirectory.boolValue
        }.sorted()
    }

    let name: String
    let folder: URL
    let configuration: RulesConfiguration
    let steps: [ScenarioStep]

    var eventsFile: URL { folder.appendingPathComponent("expected_events.jsonl") }
    var ticketsFile: URL { folder.appendingPathComponent("expected_tickets.jsonl") }

    init(name: String) throws {
        self.name = name
        folder = Self.root.appendingPathComponent(name, isDirectory: true)
        let rulesPath = folder.appendingPathComponent("rules.yaml").path
        let rulesText = try String(contentsOfFile: rulesPath, encoding: .utf8)
        guard rulesText.hasPrefix("#") else {
            throw ScenarioError("\(rulesPath):1: start with a one-line `# comment` saying what the case proves")
        }
        configuration = try Self.loadRules(rulesText, path: rulesPath)
        let readingsPath = folder.appendingPathComponent("readings.jsonl").path
        steps = try ScenarioStep.parse(file: readingsPath, text: try String(contentsOfFile: readingsPath, encoding: .utf8))
    }

    /// The loader wants a whole configuration: three header lines (gateway, broker, one route) go
    /// in front of the case's sections, and problems are reported at the case file's own lines.
    static let header = """
        gateway: { id: scenario }
        broker: { url: "mqtt://127.0.0.1:1883" }
        routes: [{ topic: "s/+", utility: water, site: s, device: "{topic.1}", metrics: [{ name: flow, path: f, unit: L/s }] }]

        """
    static let headerLines = 3

    static func loadRules(_ text: String, path: String) throws(ScenarioError) -> RulesConfiguration {
        do {
            return try ConfigurationLoader.load(
                yaml: header + text, file: path, options: .init(checkFiles: false)
            ).configuration.rules
        } catch {
            throw ScenarioError(
                error.problems.map { "\(path):\($0.line - headerLines): \($0.keyPath): \($0.message)" }
                    .joined(separator: "\n"))
        }
    }
}
