import Foundation
import GatewayConfig
import GatewayCore
import Yams

/// Reads a scenario file into a checked ``Scenario``, or throws a ``ScenarioError`` listing every
/// problem with its file, line, column and key path.
enum ScenarioLoader {
    static func load(path: String) throws(ScenarioError) -> Scenario {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ScenarioError(problems: [ConfigurationProblem(
                file: path, line: 0, column: 0, keyPath: "", message: "cannot read the scenario: \(error.localizedDescription)")])
        }
        return try load(yaml: text, file: path)
    }

    static func load(yaml: String, file: String) throws(ScenarioError) -> Scenario {
        let problems = ScenarioProblems(file: file)
        let root: Node
        do {
            guard let composed = try Yams.compose(yaml: yaml) else {
                throw ScenarioError(problems: [ConfigurationProblem(file: file, line: 1, column: 1, keyPath: "", message: "the file is empty")])
            }
            root = composed
        } catch let error as ScenarioError {
            throw error
        } catch let YamlError.scanner(_, problem, mark, _) {
            throw ScenarioError(problems: [ConfigurationProblem(file: file, line: mark.line, column: mark.column, keyPath: "", message: "YAML: \(problem)")])
        } catch let YamlError.parser(_, problem, mark, _) {
            throw ScenarioError(problems: [ConfigurationProblem(file: file, line: mark.line, column: mark.column, keyPath: "", message: "YAML: \(problem)")])
        } catch let YamlError.duplicatedKeysInMapping(duplicates, context) {
            let keys = duplicates.sorted().map { "'\($0)'" }.joined(separator: ", ")
            throw ScenarioError(problems: [ConfigurationProblem(
                file: file, line: context.mark.line, column: context.mark.column, keyPath: "",
                message: "\(keys) appears more than once in the same mapping; write each key once")])
        } catch {
            throw ScenarioError(problems: [ConfigurationProblem(file: file, line: 0, column: 0, keyPath: "", message: "YAML: \(error)")])
        }
        let decoded = decode(ScenarioNode(node: root, keyPath: "", problems: problems), file: file)
        guard problems.problems.isEmpty, let scenario = decoded else { throw ScenarioError(problems: problems.problems) }
        return scenario
    }

    static let topKeys = ["scenario", "description", "duration", "speed", "seed", "start_hour", "interval", "devices", "events", "expect"]

    private static func decode(_ root: ScenarioNode, file: String) -> Scenario? {
        guard let top = root.mapping(known: topKeys) else { return nil }
        let name = top.required("scenario", "the scenario's name, such as water-main-burst")?.text("a name")
        let description = top.optional("description")?.text("a sentence")
        let duration = top.required("duration", "how long the scenario lasts in simulated time, such as 1h")?.duration()
        if let duration, duration <= 0 { top.optional("duration")?.report("expected a duration above 0") }
        let speed = top.optional("speed")?.number("a speed-up of 1 (real time) or more, such as 60", range: 1...1_000_000) ?? 1
        let seed = top.optional("seed")?.integer("a whole number of 0 or more", range: 0...Int.max).map(UInt64.init) ?? 1
        let startHour = top.optional("start_hour")?.number("an hour of the day from 0 to 24 (excluded), such as 6.5", range: 0...23.999) ?? 0
        let interval = top.optional("interval")?.duration() ?? 60_000

        var devices: [ScenarioDevice] = []
        if let list = top.required("devices", "the simulated devices")?.list() {
            if list.isEmpty { top.optional("devices")?.report("expected at least one device") }
            for node in list {
                guard let device = DeviceDecoder.decode(node, defaultInterval: interval) else { continue }
                if devices.contains(where: { $0.id == device.id && $0.site == device.site }) {
                    node.report("device '\(device.id)' at site '\(device.site)' appears twice")
                }
                devices.append(device)
            }
        }
        var events: [ScenarioEvent] = []
        for node in top.optional("events")?.list() ?? [] {
            if let event = EventDecoder.decode(node, devices: devices, duration: duration ?? .max) { events.append(event) }
        }
        // Outages of one uplink cannot overlap: the second stop would find the link already down.
        let outages = events.filter { if case .uplinkOutage = $0.kind { true } else { false } }.sorted { $0.atMillis < $1.atMillis }
        for (earlier, later) in zip(outages, outages.dropFirst()) where later.atMillis < earlier.atMillis + (earlier.forMillis ?? .max / 2) {
            top.optional("events")?.report("uplink_outage at +\(OutcomeVerifier.offset(later.atMillis)) begins before the one at +\(OutcomeVerifier.offset(earlier.atMillis)) ends")
        }
        let expectations = top.optional("expect").flatMap(ExpectationDecoder.decode) ?? Expectations()
        guard let name, let duration, duration > 0 else { return nil }
        return Scenario(
            name: name, description: description, file: file, durationMillis: duration, speed: speed, seed: seed,
            startHour: startHour, devices: devices, events: events, expectations: expectations)
    }
}

/// Every problem of a scenario file, one `FILE:LINE:COLUMN: KEY.PATH: MESSAGE` per line.
struct ScenarioError: Error, CustomStringConvertible {
    let problems: [ConfigurationProblem]

    var description: String {
        let sorted = ConfigurationError(problems: problems).problems
        let header = sorted.count == 1 ? "invalid scenario (1 problem):" : "invalid scenario (\(sorted.count) problems):"
        return ([header] + sorted.map(\.description)).joined(separator: "\n")
    }
}
