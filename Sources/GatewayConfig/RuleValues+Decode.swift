import GatewayCore

/// Values the rules configuration shares: durations in milliseconds, thresholds in a metric's
/// canonical unit, deadlines (`24h`, `7wd`) and device attributes.
extension ConfigNode {
    /// A duration in whole milliseconds; `check` (on seconds) returns a sentence when out of bounds.
    func millis(_ check: (Double) -> String? = { _ in nil }) -> Int64? {
        guard let seconds = duration(check) else { return nil }
        guard seconds * 1000 < Double(Int64.max / 2) else {
            report("expected a duration shorter than a million years; got \(got)")
            return nil
        }
        return Int64((seconds * 1000).rounded())
    }

    /// A duration longer than zero, in milliseconds.
    func positiveMillis() -> Int64? {
        millis { $0 > 0 ? nil : "must be longer than 0s" }
    }

    /// A finite decimal number; `expectation` says what it is ("a number in kPa").
    func finiteNumber(expecting expectation: String) -> Double? {
        guard let text = text(expecting: expectation) else { return nil }
        guard let value = Double(text), value.isFinite else {
            report("expected \(expectation); got \(Phrase.quoted(text))")
            return nil
        }
        return value
    }

    /// A ticket step deadline: a wall-clock duration (`15m`, `24h`) or whole working days (`7wd`).
    func deadline() -> DeadlineSpan? {
        let expectation = "a deadline: a duration such as 15m or 24h, or working days such as 7wd"
        guard let text = text(expecting: expectation) else { return nil }
        if text.hasSuffix("wd") {
            let number = text.dropLast(2)
            guard let days = Int(number), days > 0, !number.hasPrefix("+") else {
                report("expected \(expectation) (a whole number of working days, at least 1wd); got \(Phrase.quoted(text))")
                return nil
            }
            return .workingDays(days)
        }
        guard let seconds = DurationText.seconds(text) else {
            var message = "expected \(expectation); got \(Phrase.quoted(text))"
            if Double(text) != nil { message += " (a deadline needs a unit, for example \(text)h or \(text)wd)" }
            report(message)
            return nil
        }
        guard seconds > 0 else {
            report("a deadline must be longer than 0s; got \(Phrase.quoted(text))")
            return nil
        }
        return .duration(millis: Int64((seconds * 1000).rounded()))
    }
}

/// Device attributes (`devices[].attributes`, `match.attributes`): names of lowercase letters,
/// digits and `_`; values single scalars kept as text. The attributes the gateway itself reads are
/// checked: `expected_interval` is a duration, `safety` is true or false (written back as `true` or
/// `false`, so that `True` in one place still matches `true` in another).
enum AttributesSection {
    static func decode(_ node: ConfigNode) -> [String: String]? {
        guard let section = node.mapping(expecting: "attributes such as `{ nominal_voltage: 220, point: tap }`") else {
            return nil
        }
        var attributes: [String: String] = [:]
        var complete = true
        for entry in section.entries {
            let keyPath = ConfigSourceMap.child(node.keyPath, entry.name)
            let value = ConfigNode(node: entry.value, keyPath: keyPath, context: node.context)
            guard isName(entry.name) else {
                node.context.report(
                    at: keyPath, location: entry.key.sourceLocation ?? node.context.sourceMap.nearestLocation(of: keyPath),
                    "attribute names are lowercase letters, digits and '_', such as nominal_voltage; got \(Phrase.quoted(entry.name))"
                )
                complete = false
                continue
            }
            guard let text = value.string(expecting: "a single value (text, a number, true or false) for attribute '\(entry.name)'") else {
                complete = false
                continue
            }
            switch entry.name {
            case DeviceAttribute.expectedInterval:
                guard value.duration({ $0 > 0 ? nil : "expected_interval must be longer than 0s" }) != nil else {
                    complete = false
                    continue
                }
                attributes[entry.name] = text
            case DeviceAttribute.safety:
                guard let flag = value.boolean(expecting: "true or false (safety devices are never auto-shelved or folded into flood tickets)") else {
                    complete = false
                    continue
                }
                attributes[entry.name] = flag ? "true" : "false"
            default:
                attributes[entry.name] = text
            }
        }
        return complete ? attributes : nil
    }

    static func isName(_ text: String) -> Bool {
        !text.isEmpty && text.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
    }
}

/// How thresholds of a rule are worded: in the canonical unit of the metric the rule matches, when
/// the match names one vocabulary metric ("a number in kPa, the canonical unit of pressure").
struct ThresholdWording {
    let metric: String?
    let unit: String?

    init(metric pattern: String?) {
        if let pattern, let quantity = MetricCatalog.quantity(of: pattern) {
            metric = pattern
            unit = quantity.canonicalUnit
        } else {
            metric = nil
            unit = nil
        }
    }

    /// What a threshold is expected to be.
    var number: String {
        guard let unit, let metric else { return "a number in the metric's canonical unit" }
        if unit == "1" { return "a ratio (unit 1, such as 0.85), the canonical unit of \(metric)" }
        return "a number in \(unit), the canonical unit of \(metric)"
    }

    /// A value with its unit, for messages: `160 kPa`.
    func value(_ number: Double) -> String {
        let text = Self.format(number)
        guard let unit, unit != "1" else { return text }
        return unit == "%" ? text + " %" : "\(text) \(unit)"
    }

    /// `160` rather than `160.0`; other numbers as Swift writes them.
    static func format(_ number: Double) -> String {
        if number == number.rounded(), abs(number) < 1e15 { return String(Int64(number)) }
        return String(number)
    }
}
