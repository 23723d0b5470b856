import GatewayConfig
import GatewayCore
import Yams

/// Collects every problem of a scenario file, so that one run reports them all.
///
/// Problems use the gateway configuration's own form (``ConfigurationProblem``:
/// `FILE:LINE:COLUMN: KEY.PATH: what was wrong and what was expected`), which editors and CI logs
/// already understand.
final class ScenarioProblems {
    let file: String
    private(set) var problems: [ConfigurationProblem] = []

    init(file: String) { self.file = file }

    func report(_ node: Node?, _ keyPath: String, _ message: String) {
        let mark = node?.mark
        problems.append(ConfigurationProblem(
            file: file, line: mark?.line ?? 0, column: mark?.column ?? 0, keyPath: keyPath, message: message))
    }
}

/// A YAML node with its key path; typed getters report a problem at the node and return nil, so
/// that decoding goes on and every problem of the file is found in one run.
struct ScenarioNode {
    let node: Node
    let keyPath: String
    let problems: ScenarioProblems

    func report(_ message: String) { problems.report(node, keyPath, message) }

    func child(_ key: String) -> String { keyPath.isEmpty ? key : "\(keyPath).\(key)" }

    var got: String {
        switch node {
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .alias: "an alias"
        case .scalar(let scalar): node.isNothing ? "nothing" : "'\(scalar.string)'"
        }
    }

    func text(_ expectation: String) -> String? {
        if case .scalar(let scalar) = node, !node.isNothing, !scalar.string.isEmpty { return scalar.string }
        report("expected \(expectation); got \(got)")
        return nil
    }

    func number(_ expectation: String, range: ClosedRange<Double>? = nil) -> Double? {
        guard let text = text(expectation) else { return nil }
        guard let value = Double(text), value.isFinite, range.map({ $0.contains(value) }) ?? true else {
            report("expected \(expectation); got '\(text)'")
            return nil
        }
        return value
    }

    func integer(_ expectation: String, range: ClosedRange<Int>) -> Int? {
        guard let text = text(expectation) else { return nil }
        guard let value = Int(text), range.contains(value) else {
            report("expected \(expectation); got '\(text)'")
            return nil
        }
        return value
    }

    func boolean() -> Bool? {
        guard let text = text("true or false") else { return nil }
        switch text {
        case "true": return true
        case "false": return false
        default:
            report("expected true or false; got '\(text)'")
            return nil
        }
    }

    /// A duration (`500ms`, `30s`, `5m`, `2h`, `1d`), optionally negative (`-90s`) when `signed`.
    func duration(signed: Bool = false) -> Int64? {
        let expectation = signed ? "\(DurationText.expectation), optionally negative (-90s)" : DurationText.expectation
        guard let text = text(expectation) else { return nil }
        let negative = signed && text.hasPrefix("-")
        guard let seconds = DurationText.seconds(negative ? String(text.dropFirst()) : text) else {
            report("expected \(expectation); got '\(text)'")
            return nil
        }
        let millis = Int64((seconds * 1000).rounded())
        return negative ? -millis : millis
    }

    /// A list (nothing reads as an empty list).
    func list() -> [ScenarioNode]? {
        switch node {
        case .sequence(let sequence):
            return sequence.enumerated().map { ScenarioNode(node: $0.element, keyPath: "\(keyPath)[\($0.offset)]", problems: problems) }
        case _ where node.isNothing:
            return []
        default:
            report("expected a list; got \(got)")
            return nil
        }
    }

    /// A mapping whose keys are all among `known` (unknown keys are problems, with a suggestion).
    func mapping(known: [String]) -> ScenarioMapping? {
        guard case .mapping(let mapping) = node else {
            report("expected a mapping; got \(got)")
            return nil
        }
        var entries: [(key: String, node: ScenarioNode)] = []
        for (keyNode, value) in mapping {
            let key = keyNode.string ?? ""
            let child = ScenarioNode(node: value, keyPath: child(key), problems: problems)
            if !known.contains(key) {
                let hint = Suggestion.closest(to: key, among: known).map { "; did you mean '\($0)'?" } ?? ""
                problems.report(keyNode, child.keyPath, "unknown key '\(key)'\(hint) (known: \(known.joined(separator: ", ")))")
                continue
            }
            entries.append((key, child))
        }
        return ScenarioMapping(owner: self, entries: entries)
    }
}

/// The entries of a mapping, by key.
struct ScenarioMapping {
    let owner: ScenarioNode
    let entries: [(key: String, node: ScenarioNode)]

    func optional(_ key: String) -> ScenarioNode? {
        entries.first { $0.key == key }.map(\.node)
    }

    func required(_ key: String, _ what: String) -> ScenarioNode? {
        if let node = optional(key) { return node }
        owner.problems.report(owner.node, owner.child(key), "missing: \(what)")
        return nil
    }
}

extension Node {
    /// YAML's null (`key:` with no value, `~`, `null`): Yams keeps its own test internal.
    var isNothing: Bool {
        guard case .scalar(let scalar) = self, scalar.style == .plain else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }
}
