import GatewayCore

/// `events[]` of a scenario: each a one-key mapping naming the event, such as
/// `- burst: { at: 10m, device: wm-101, pressure_drop: 120kPa, over: 2m }`.
///
/// Every event takes `at` (default 0) and `for` (default: to the end); device events take
/// `device`, a glob on device ids (default every device).
enum EventDecoder {
    /// Event name → its own keys (besides `at`, `for`, `device`) and default metric.
    static let vocabulary: [String: (keys: [String], metric: String?)] = [
        "burst": (["pressure_drop", "over"], "pressure"),
        "sag": (["metric", "depth", "to", "over"], "voltage"),
        "leak_ramp": (["metric", "to", "over"], "gas_leak"),
        "ramp": (["metric", "by", "to", "over"], nil),
        "stuck_sensor": (["metric"], nil),
        "dropout": ([], nil),
        "clock_skew": (["by"], nil),
        "malformed": (["rate"], nil),
        "duplicate_redelivery": (["rate"], nil),
        "broker_restart": ([], nil),
        "uplink_outage": ([], nil),
    ]

    static func decode(_ node: ScenarioNode, devices: [ScenarioDevice], duration: Int64) -> ScenarioEvent? {
        let names = vocabulary.keys.sorted()
        guard case .mapping(let mapping) = node.node, mapping.count == 1, let (keyNode, body) = mapping.first.map({ ($0.key, $0.value) }) else {
            node.report("expected one event as a one-key mapping, such as '- dropout: { at: 10m, for: 15m }' (events: \(names.joined(separator: ", ")))")
            return nil
        }
        let name = keyNode.string ?? ""
        let eventNode = ScenarioNode(node: body, keyPath: node.child(name), problems: node.problems)
        guard let entry = vocabulary[name] else {
            let hint = Suggestion.closest(to: name, among: names).map { "; did you mean '\($0)'?" } ?? ""
            node.problems.report(keyNode, eventNode.keyPath, "unknown event '\(name)'\(hint) (events: \(names.joined(separator: ", ")))")
            return nil
        }
        // Events of the whole site, not of devices: no `device`; a restart has no duration either.
        let isSiteEvent = name == "broker_restart" || name == "uplink_outage"
        let common = name == "broker_restart" ? ["at"] : isSiteEvent ? ["at", "for"] : ["at", "for", "device"]
        guard let map = eventNode.node.isNothing ? nil : eventNode.mapping(known: common + entry.keys) else {
            if eventNode.node.isNothing { eventNode.report("expected the event's settings, such as { at: 10m }") }
            return nil
        }
        let at = map.optional("at")?.duration() ?? 0
        if at < 0 || at >= duration { map.optional("at")?.report("expected a time within the scenario's duration") }
        let forMillis = map.optional("for")?.duration()
        if let forMillis, forMillis <= 0 { map.optional("for")?.report("expected a duration above 0") }
        let glob = Glob(map.optional("device")?.text("a device id or glob, such as wm-101 or wm-*") ?? "*")
        let matched = devices.filter { glob.matches($0.id) }
        if !isSiteEvent && matched.isEmpty && !devices.isEmpty {
            (map.optional("device") ?? eventNode).report("no device matches '\(glob.pattern)'")
        }

        /// The metric a value event acts on: given or the event's default, reported by the devices.
        func metric() -> String? {
            guard let metric = map.optional("metric")?.text("a metric name") ?? entry.metric else {
                _ = map.required("metric", "the metric the event acts on, such as turbidity")
                return nil
            }
            for device in matched where !device.metrics.contains(where: { $0.name == metric }) {
                (map.optional("metric") ?? eventNode).report("device '\(device.id)' does not report '\(metric)'")
            }
            return metric
        }
        func rate() -> Double? {
            map.optional("rate")?.number("a share of messages from 0 to 1, such as 0.01", range: 0...1)
        }
        let over = map.optional("over")?.duration() ?? 0

        let kind: ScenarioEvent.Kind?
        switch name {
        case "burst":
            let drop = map.required("pressure_drop", "how far the pressure falls, such as 120kPa")?.quantity(of: "pressure", difference: true)
            kind = drop.map { ScenarioEvent.Kind.shift(metric: "pressure", by: -$0, to: nil, overMillis: over) }
        case "sag", "ramp", "leak_ramp":
            guard let metric = metric() else { return nil }
            let byKey = name == "sag" ? "depth" : "by"
            var by = entry.keys.contains(byKey) ? map.optional(byKey)?.quantity(of: metric, difference: true) : nil
            if name == "sag" { by = by.map { -abs($0) } }
            let to = map.optional("to")?.quantity(of: metric)
            if (by == nil) == (to == nil) {
                let options = entry.keys.contains(byKey) ? "'\(byKey)' or 'to'" : "'to'"
                eventNode.report("expected exactly one of \(options): how far or to what level \(metric) moves")
                return nil
            }
            kind = .shift(metric: metric, by: by, to: to, overMillis: over)
        case "stuck_sensor":
            let metric = map.optional("metric") != nil ? metric() : nil
            kind = .stuck(metric: metric)
        case "dropout":
            kind = .dropout
        case "clock_skew":
            kind = map.required("by", "how far the device's clock is off, such as 3m or -90s")?.duration(signed: true).map { ScenarioEvent.Kind.clockSkew(millis: $0) }
        case "malformed":
            kind = (map.required("rate", "the share of corrupted messages, such as 0.01") != nil ? rate() : nil).map { ScenarioEvent.Kind.malformed(rate: $0) }
        case "duplicate_redelivery":
            kind = .duplicate(rate: rate() ?? 1)
        case "uplink_outage":
            kind = .uplinkOutage
        default:
            kind = .brokerRestart
        }
        guard let kind else { return nil }
        return ScenarioEvent(kind: kind, name: name, atMillis: at, forMillis: forMillis, devices: glob)
    }
}
