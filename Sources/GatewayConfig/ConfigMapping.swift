import GatewayCore
import Yams

/// The entries of one YAML mapping, read by key.
///
/// Declares which keys it knows with ``rejectUnknownKeys(_:explanations:)``: every other key is a
/// problem (with a "did you mean" when one is close), because a misspelt optional key would
/// otherwise silently fall back to its default.
struct ConfigMapping {
    struct Entry {
        let name: String
        let key: Node
        let value: Node
    }

    let owner: ConfigNode
    let entries: [Entry]

    init(owner: ConfigNode, mapping: Node.Mapping?) {
        self.owner = owner
        var entries: [Entry] = []
        var seen: [String: Int] = [:]
        for (key, value) in mapping ?? [:] {
            guard case .scalar(let scalar) = key, !key.isNull else {
                owner.context.report(
                    at: owner.keyPath, location: key.sourceLocation ?? owner.context.sourceMap.nearestLocation(of: owner.keyPath),
                    "keys must be plain names; got \(ConfigNode(node: key, keyPath: owner.keyPath, context: owner.context).got)"
                )
                continue
            }
            let name = scalar.string
            if owner.context.ignoredKeys.contains(name) { continue }
            if let firstLine = seen[name] {
                // Yams already rejects equal keys; this catches keys equal as text but not as YAML
                // values, such as `1:` and `"1":`.
                owner.context.report(
                    at: ConfigSourceMap.child(owner.keyPath, name), location: key.sourceLocation ?? .wholeFile,
                    "key '\(name)' is written twice in this mapping (first at line \(firstLine)); each key may be written only once"
                )
                continue
            }
            seen[name] = key.mark?.line ?? 0
            entries.append(Entry(name: name, key: key, value: value))
        }
        self.entries = entries
    }

    /// "in 'broker'" or "at the top level", for messages.
    var whereabouts: String {
        owner.keyPath.isEmpty ? "at the top level" : "in '\(owner.keyPath)'"
    }

    /// Whether the key is written.
    func has(_ key: String) -> Bool {
        entries.contains { $0.name == key }
    }

    /// The value of `key`, or `nil` when it is not written.
    func optional(_ key: String) -> ConfigNode? {
        guard let entry = entries.first(where: { $0.name == key }) else { return nil }
        return ConfigNode(node: entry.value, keyPath: ConfigSourceMap.child(owner.keyPath, key), context: owner.context)
    }

    /// The value of `key`; records "missing required key" when it is not written. `what` describes
    /// the expected value ("the broker URL, such as mqtt://127.0.0.1:1883").
    func required(_ key: String, _ what: String) -> ConfigNode? {
        if let node = optional(key) { return node }
        owner.context.report(
            at: ConfigSourceMap.child(owner.keyPath, key), "missing required key '\(key)' \(whereabouts): \(what)"
        )
        return nil
    }

    /// Records a problem for every key not in `known`. `explanations` gives a specific message for
    /// keys that are refused on purpose (an inline `password`).
    func rejectUnknownKeys(_ known: [String], explanations: [String: String] = [:]) {
        for entry in entries where !known.contains(entry.name) {
            let keyPath = ConfigSourceMap.child(owner.keyPath, entry.name)
            let location = entry.key.sourceLocation ?? owner.context.sourceMap.nearestLocation(of: keyPath)
            let message: String
            if let explanation = explanations[entry.name] {
                message = explanation
            } else if entry.name == "<<" {
                message = "YAML merge keys ('<<') are not supported; write the keys out"
            } else if let suggestion = Suggestion.closest(to: entry.name, among: known) {
                message = "unknown key '\(entry.name)' \(whereabouts); did you mean '\(suggestion)'?"
            } else {
                message = "unknown key '\(entry.name)' \(whereabouts); expected one of: \(known.joined(separator: ", "))"
            }
            owner.context.report(at: keyPath, location: location, message)
        }
    }
}
