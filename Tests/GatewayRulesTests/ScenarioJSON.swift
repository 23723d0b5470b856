import Foundation
import GatewayCore

/// One output line of a golden scenario: a JSON object whose keys keep the order they were added
/// in (so `alert_id` comes first and a reviewer reads the files like a log), with absent values
/// left out. Numbers print without a trailing `.0`; times print as RFC 3339, without `.000`.
struct ScenarioLine {
    private var fields: [(String, String)] = []

    mutating func add(_ key: String, _ text: String?) {
        guard let text else { return }
        fields.append((key, Self.quoted(text)))
    }

    mutating func add(_ key: String, number: Double?) {
        guard let number else { return }
        fields.append((key, Self.format(number)))
    }

    mutating func add(_ key: String, integer: Int?) {
        guard let integer else { return }
        fields.append((key, String(integer)))
    }

    mutating func add(_ key: String, time: EpochMillis?) {
        guard let time else { return }
        fields.append((key, Self.quoted(Self.format(time: time))))
    }

    mutating func add(_ key: String, flag: Bool) {
        fields.append((key, flag ? "true" : "false"))
    }

    mutating func add(_ key: String, list: [String]) {
        guard !list.isEmpty else { return }
        fields.append((key, "[" + list.map(Self.quoted).joined(separator: ",") + "]"))
    }

    var text: String {
        "{" + fields.map { "\(Self.quoted($0.0)):\($0.1)" }.joined(separator: ",") + "}"
    }

    static func format(_ number: Double) -> String {
        if number.isFinite, number == number.rounded(), abs(number) < 1e15 { return String(Int64(number)) }
        return "\(number)"
    }

    static func format(time: EpochMillis) -> String {
        let text = RFC3339.format(time)
        return text.hasSuffix(".000Z") ? String(text.dropLast(5)) + "Z" : text
    }

    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}

/// One parsed input line (a JSON object) with its position, for error messages that name the file
/// and line, and for rejecting keys the runner does not know (a typo must not pass silently).
struct ScenarioObject {
    let file: String
    let line: Int
    let values: [String: Any]

    func fail(_ message: String) -> ScenarioError {
        ScenarioError("\(file):\(line): \(message)")
    }

    func has(_ key: String) -> Bool { values[key] != nil }

    func allowOnly(_ keys: Set<String>) throws(ScenarioError) {
        let unknown = Set(values.keys).subtracting(keys).sorted()
        guard unknown.isEmpty else {
            throw fail("unknown key(s) \(unknown.joined(separator: ", ")); expected some of \(keys.sorted().joined(separator: ", "))")
        }
    }

    func string(_ key: String) throws(ScenarioError) -> String {
        guard let value = values[key] as? String else { throw fail("`\(key)` must be a string") }
        return value
    }

    func optionalString(_ key: String) throws(ScenarioError) -> String? {
        guard has(key) else { return nil }
        return try string(key)
    }

    func number(_ key: String) throws(ScenarioError) -> Double {
        guard let value = values[key] as? NSNumber else { throw fail("`\(key)` must be a number") }
        return value.doubleValue
    }

    func time(_ key: String) throws(ScenarioError) -> EpochMillis {
        try Self.time(values[key], key: key, in: self)
    }

    func optionalTime(_ key: String) throws(ScenarioError) -> EpochMillis? {
        guard has(key) else { return nil }
        return try time(key)
    }

    func object(_ key: String) throws(ScenarioError) -> ScenarioObject {
        guard let value = values[key] as? [String: Any] else { throw fail("`\(key)` must be an object") }
        return ScenarioObject(file: file, line: line, values: value)
    }

    /// An RFC 3339 string or epoch milliseconds.
    static func time(_ value: Any?, key: String, in object: ScenarioObject) throws(ScenarioError) -> EpochMillis {
        if let text = value as? String {
            guard let millis = RFC3339.parse(text) else {
                throw object.fail("`\(key)` must be an RFC 3339 time with an offset or epoch milliseconds, got \(text)")
            }
            return millis
        }
        if let number = value as? NSNumber { return number.int64Value }
        throw object.fail("`\(key)` must be an RFC 3339 time or epoch milliseconds")
    }
}

/// A problem with a scenario folder itself (not with the engine).
struct ScenarioError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
