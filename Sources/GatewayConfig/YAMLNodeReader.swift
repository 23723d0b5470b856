import GatewayCore
import Yams

/// A YAML node with its key path, and typed getters that record a problem (located at this node)
/// and return `nil` instead of throwing, so that decoding goes on and every problem is reported.
///
/// Scalars are read by their text, whatever YAML type they resolve to: `username: 1234` is the
/// user name "1234", and `protocol: 3.1.1` is the text it looks like.
struct ConfigNode {
    let node: Node
    let keyPath: String
    let context: DecodingContext

    /// Records a problem at this node.
    func report(_ message: String) {
        context.report(at: keyPath, message)
    }

    /// What the node is, for "expected …; got …".
    var got: String {
        switch node {
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .alias: "an alias"
        case .scalar(let scalar): node.isNull ? "nothing" : Phrase.quoted(scalar.string)
        }
    }

    /// The text of a scalar; `nil` for nothing (`~`), a mapping or a list.
    func text(expecting expectation: String) -> String? {
        if case .scalar(let scalar) = node, !node.isNull { return scalar.string }
        report("expected \(expectation); got \(got)")
        return nil
    }

    /// A non-empty text.
    func string(expecting expectation: String) -> String? {
        guard let text = text(expecting: expectation) else { return nil }
        guard !text.isEmpty else {
            report("expected \(expectation); got an empty text")
            return nil
        }
        return text
    }

    /// A non-empty name made only of the allowed characters.
    func name(expecting expectation: String, allowed: (Unicode.Scalar) -> Bool) -> String? {
        guard let text = string(expecting: expectation) else { return nil }
        guard text.unicodeScalars.allSatisfy(allowed) else {
            report("expected \(expectation); got \(Phrase.quoted(text))")
            return nil
        }
        return text
    }

    /// One of an enumeration's raw values.
    func oneOf<Value: CaseIterable & RawRepresentable>(_ type: Value.Type) -> Value? where Value.RawValue == String {
        let names = Value.allCases.map(\.rawValue)
        let expectation = names.count <= 2 ? Phrase.list(names) : "one of " + Phrase.list(names)
        guard let text = text(expecting: expectation) else { return nil }
        guard let value = Value(rawValue: text) else {
            report("expected \(expectation); got \(Phrase.quoted(text))" + Phrase.didYouMean(text, among: names))
            return nil
        }
        return value
    }

    /// `true` or `false` (YAML 1.2 core schema; `yes`/`no` are refused as the ambiguity they are).
    func boolean(expecting expectation: String) -> Bool? {
        guard let text = text(expecting: expectation) else { return nil }
        switch text {
        case "true", "True", "TRUE": return true
        case "false", "False", "FALSE": return false
        default:
            report("expected \(expectation); got \(Phrase.quoted(text))")
            return nil
        }
    }

    /// A whole number written in decimal.
    func integer(expecting expectation: String) -> Int? {
        guard let text = text(expecting: expectation) else { return nil }
        guard let value = Int(text) else {
            report("expected \(expectation); got \(Phrase.quoted(text))")
            return nil
        }
        return value
    }

    /// A decimal number within `range`.
    func number(expecting expectation: String, range: ClosedRange<Double>) -> Double? {
        guard let text = text(expecting: expectation) else { return nil }
        guard let value = Double(text), value.isFinite, range.contains(value) else {
            report("expected \(expectation), between \(String(range.lowerBound)) and \(String(range.upperBound)); got \(Phrase.quoted(text))")
            return nil
        }
        return value
    }

    /// A duration in seconds (`500ms`, `30s`, `5m`, …). `check` returns a sentence when the value is
    /// out of bounds.
    func duration(_ check: (Double) -> String? = { _ in nil }) -> Double? {
        guard let text = text(expecting: DurationText.expectation) else { return nil }
        guard let seconds = DurationText.seconds(text) else {
            var message = "expected \(DurationText.expectation); got \(Phrase.quoted(text))"
            if Double(text) != nil { message += " (a duration needs a unit, for example \(text)s)" }
            report(message)
            return nil
        }
        if let problem = check(seconds) {
            report("\(problem); got \(Phrase.quoted(text))")
            return nil
        }
        return seconds
    }

    /// A duration in whole seconds within `range`, written in words like "between 5s and 65535s".
    func wholeSeconds(in range: ClosedRange<Int>, _ bounds: String) -> Int? {
        guard let seconds = duration({ seconds in
            guard seconds >= Double(range.lowerBound), seconds <= Double(range.upperBound) else { return "must be \(bounds)" }
            guard seconds.rounded() == seconds else { return "must be a whole number of seconds" }
            return nil
        }) else { return nil }
        return Int(seconds)
    }

    /// A size in bytes (`64KiB`, `512MiB`, `1000B`). `check` returns a sentence when the value is out
    /// of bounds.
    func byteSize(_ check: (Int) -> String? = { _ in nil }) -> Int? {
        guard let text = text(expecting: ByteSizeText.expectation) else { return nil }
        guard let bytes = ByteSizeText.bytes(text) else {
            var message = "expected \(ByteSizeText.expectation); got \(Phrase.quoted(text))"
            if Int(text) != nil { message += " (a size needs a unit, for example \(text)B)" }
            report(message)
            return nil
        }
        if let problem = check(bytes) {
            report("\(problem); got \(Phrase.quoted(text))")
            return nil
        }
        return bytes
    }

    /// A file or directory path, made absolute against the configuration file's directory.
    func path(expecting expectation: String) -> String? {
        guard let text = string(expecting: expectation) else { return nil }
        guard !text.utf8.contains(0) else {
            report("expected \(expectation); got a path with a NUL character")
            return nil
        }
        return context.resolvePath(text)
    }

    /// A path to a file that must be readable now (checked at load time, not at first use).
    func readableFile(expecting expectation: String) -> String? {
        guard let path = path(expecting: expectation) else { return nil }
        context.checkReadable(path, at: keyPath)
        return path
    }

    /// A mapping; nothing (`key:` with no value) reads as an empty mapping, so a section whose keys
    /// are all commented out means "all defaults".
    func mapping(expecting expectation: String) -> ConfigMapping? {
        switch node {
        case .mapping(let mapping):
            return ConfigMapping(owner: self, mapping: mapping)
        case .scalar where node.isNull:
            return ConfigMapping(owner: self, mapping: nil)
        default:
            report("expected \(expectation); got \(got)")
            return nil
        }
    }

    /// The items of a list; nothing reads as an empty list.
    func list(expecting expectation: String) -> [ConfigNode]? {
        switch node {
        case .sequence(let sequence):
            return sequence.enumerated().map { index, item in
                ConfigNode(node: item, keyPath: ConfigSourceMap.item(keyPath, index), context: context)
            }
        case .scalar where node.isNull:
            return []
        default:
            report("expected \(expectation); got \(got)")
            return nil
        }
    }
}
