import GatewayCore

/// `condition:` of one rule → ``RuleCondition``: exactly one kind; levels in the canonical unit of
/// the metric; levels in an order that makes sense (a value getting worse reaches warning before
/// critical, and an `outside` range's low levels lie below its high levels).
enum RuleConditionSection {
    static let kinds = ["above", "below", "outside", "rate", "no_data", "flatline"]
    static let levelKeys = ["warning", "critical"]
    static let expectation =
        "one of above, below, outside, rate, no_data or flatline, such as `{ below: { warning: 160, critical: 140 } }`"

    /// Which way a value gets worse: up (`above`, `outside.high`, rate magnitudes) or down.
    enum Direction {
        case rising
        case falling
    }

    static func decode(_ node: ConfigNode, wording: ThresholdWording) -> RuleCondition? {
        guard let section = node.mapping(expecting: "a condition: \(expectation)") else { return nil }
        section.rejectUnknownKeys(kinds)
        let present = section.entries.filter { kinds.contains($0.name) }
        guard let first = present.first, let kindNode = section.optional(first.name) else {
            if section.entries.isEmpty { node.report("expected \(expectation); got no condition") }
            return nil
        }
        if present.count > 1 {
            for extra in present.dropFirst() {
                let keyPath = ConfigSourceMap.child(node.keyPath, extra.name)
                node.context.report(
                    at: keyPath, location: extra.key.sourceLocation ?? node.context.sourceMap.nearestLocation(of: keyPath),
                    "a rule has exactly one condition, and '\(first.name)' is already given (line \(first.key.mark?.line ?? 0)); "
                        + "write another rule for '\(extra.name)'"
                )
            }
            return nil
        }
        switch first.name {
        case "above":
            return levels(kindNode, wording: wording, direction: .rising, named: "above").map(RuleCondition.above)
        case "below":
            return levels(kindNode, wording: wording, direction: .falling, named: "below").map(RuleCondition.below)
        case "outside":
            return outside(kindNode, wording: wording)
        case "rate":
            return rate(kindNode, wording: wording)
        case "no_data":
            return noData(kindNode)
        default:
            return flatline(kindNode, wording: wording)
        }
    }

    /// `{ warning: X, critical: Y }`, at least one, in the order `direction` asks for. `positive`
    /// refuses 0 and below (rate amounts).
    static func levels(
        _ node: ConfigNode, wording: ThresholdWording, direction: Direction, named name: String, positive: Bool = false
    ) -> SeverityLevels? {
        let example = direction == .rising ? "{ warning: 85, critical: 95 }" : "{ warning: 160, critical: 140 }"
        guard let section = node.mapping(expecting: "levels such as `\(example)` (warning, critical or both)") else {
            return nil
        }
        section.rejectUnknownKeys(levelKeys)
        let expectation = positive ? "\(wording.number), more than 0" : wording.number
        func level(_ key: String) -> (written: Bool, value: Double?) {
            guard let levelNode = section.optional(key) else { return (false, nil) }
            guard let value = levelNode.finiteNumber(expecting: expectation) else { return (true, nil) }
            if positive, value <= 0 {
                levelNode.report(
                    "'\(name)' is the amount of change within the window, more than 0 (use 'rise' or 'drop' for the direction); "
                        + "got \(wording.value(value))")
                return (true, nil)
            }
            return (true, value)
        }
        let warning = level("warning")
        let critical = level("critical")
        if !warning.written && !critical.written {
            node.report("expected a warning level, a critical level or both (\(wording.number)); got neither")
            return nil
        }
        guard warning.written == (warning.value != nil), critical.written == (critical.value != nil) else { return nil }
        if let w = warning.value, let c = critical.value {
            switch direction {
            case .rising where w >= c:
                node.report(
                    "for '\(name)' the warning level must be lower than the critical level (a rising value reaches warning first); "
                        + "got warning \(wording.value(w)) and critical \(wording.value(c))")
                return nil
            case .falling where w <= c:
                node.report(
                    "for '\(name)' the warning level must be higher than the critical level (a falling value reaches warning first); "
                        + "got warning \(wording.value(w)) and critical \(wording.value(c))")
                return nil
            default:
                break
            }
        }
        return SeverityLevels(warning: warning.value, critical: critical.value)
    }

    /// `{ low: {…}, high: {…} }`: both bounds, every low level below every high level.
    static func outside(_ node: ConfigNode, wording: ThresholdWording) -> RuleCondition? {
        guard let section = node.mapping(
            expecting: "`{ low: { critical: 6.5 }, high: { critical: 8.5 } }`: the levels below and above the normal range")
        else { return nil }
        section.rejectUnknownKeys(["low", "high"])
        let low = section.required("low", "the levels below the normal range, such as `{ warning: 0.4, critical: 0.3 }`")
            .flatMap { levels($0, wording: wording, direction: .falling, named: "outside.low") }
        let high = section.required("high", "the levels above the normal range, such as `{ warning: 1.5, critical: 2 }`")
            .flatMap { levels($0, wording: wording, direction: .rising, named: "outside.high") }
        guard let low, let high else { return nil }
        // The innermost levels: the highest low level and the lowest high level.
        if let lowTop = low.warning ?? low.critical, let highBottom = high.warning ?? high.critical, lowTop >= highBottom {
            node.report(
                "the low levels must lie below the high levels (the normal range is between them); "
                    + "got low \(wording.value(lowTop)) and high \(wording.value(highBottom))")
            return nil
        }
        return .outside(low: low, high: high)
    }

    /// `{ window: 5m, rise: {…}, drop: {…} }`: a window and at least one direction.
    static func rate(_ node: ConfigNode, wording: ThresholdWording) -> RuleCondition? {
        guard let section = node.mapping(expecting: "`{ window: 5m, drop: { critical: 50 } }`: a window and a rise, a drop or both") else {
            return nil
        }
        section.rejectUnknownKeys(["window", "rise", "drop"])
        let window = section.required("window", "the event-time window the change is measured over, such as 5m")?.positiveMillis()
        let riseNode = section.optional("rise")
        let dropNode = section.optional("drop")
        let rise = riseNode.flatMap { levels($0, wording: wording, direction: .rising, named: "rise", positive: true) }
        let drop = dropNode.flatMap { levels($0, wording: wording, direction: .rising, named: "drop", positive: true) }
        if riseNode == nil && dropNode == nil {
            node.report("expected 'rise', 'drop' or both: how much the value may change within the window (\(wording.number))")
            return nil
        }
        guard let window, (riseNode == nil) == (rise == nil), (dropNode == nil) == (drop == nil) else { return nil }
        return .rate(windowMillis: window, rise: rise, drop: drop)
    }

    /// `{ for: 10m }`, or nothing for 3 × the device's `expected_interval`.
    static func noData(_ node: ConfigNode) -> RuleCondition? {
        guard let section = node.mapping(expecting: "`{ for: 10m }`, or `{}` for 3 × the device's expected_interval") else {
            return nil
        }
        section.rejectUnknownKeys(["for"])
        guard let forNode = section.optional("for") else { return .noData(forMillis: nil) }
        return forNode.positiveMillis().map { RuleCondition.noData(forMillis: $0) }
    }

    /// `{ for: 30m, tolerance: 0.01 }` (tolerance 0 when not written).
    static func flatline(_ node: ConfigNode, wording: ThresholdWording) -> RuleCondition? {
        guard let section = node.mapping(expecting: "`{ for: 30m, tolerance: 0.01 }`") else { return nil }
        section.rejectUnknownKeys(["for", "tolerance"])
        let duration = section.required("for", "how long the value must stay flat, such as 30m")?.positiveMillis()
        var tolerance = 0.0
        if let toleranceNode = section.optional("tolerance") {
            guard let value = toleranceNode.finiteNumber(expecting: "\(wording.number), 0 or more") else { return nil }
            guard value >= 0 else {
                toleranceNode.report("the tolerance is how far the value may move and still count as flat, 0 or more; got \(wording.value(value))")
                return nil
            }
            tolerance = value
        }
        return duration.map { RuleCondition.flatline(forMillis: $0, tolerance: tolerance) }
    }
}
