import GatewayCore

/// `devices[]` of a scenario: identity, format, topic and each metric's signal model.
enum DeviceDecoder {
    static let keys = ["id", "utility", "site", "format", "topic", "interval", "qos", "metrics"]
    static let signalKeys = ["baseline", "noise", "daily", "drift_per_hour", "min", "max", "decimals"]

    static func decode(_ node: ScenarioNode, defaultInterval: Int64) -> ScenarioDevice? {
        guard let map = node.mapping(known: keys) else { return nil }
        // Ids and sites go into topics, XML attributes and line-protocol tags unescaped: keep them plain.
        let id = map.required("id", "the device id, such as wm-101")?.text("a device id")
        if let id, !id.allSatisfy(Self.isPlain) {
            map.optional("id")?.report("expected a device id of letters, digits, '-', '_', '.' or ':'; got '\(id)'")
        }
        let utility = map.required("utility", "water, power or gas").flatMap { utilityNode -> Utility? in
            guard let text = utilityNode.text("water, power or gas") else { return nil }
            guard let utility = Utility(rawValue: text) else {
                utilityNode.report("expected water, power or gas; got '\(text)'")
                return nil
            }
            return utility
        }
        let site = map.required("site", "the site, such as north")?.text("a site")
        if let site, !site.allSatisfy(Self.isPlain) {
            map.optional("site")?.report("expected a site of letters, digits, '-', '_', '.' or ':'; got '\(site)'")
        }
        let format = map.optional("format").flatMap { formatNode -> PayloadFormat? in
            let names = PayloadFormat.allCases.map(\.rawValue).joined(separator: ", ")
            guard let text = formatNode.text("one of \(names)") else { return nil }
            guard let format = PayloadFormat(rawValue: text) else {
                formatNode.report("expected one of \(names); got '\(text)'")
                return nil
            }
            return format
        } ?? .json
        let interval = map.optional("interval")?.duration() ?? defaultInterval
        if interval <= 0 { (map.optional("interval") ?? node).report("expected a reporting interval above 0") }
        let qos = map.optional("qos")?.integer("0 or 1", range: 0...1) ?? 1
        var metrics: [MetricSignal] = []
        if let metricsNode = map.required("metrics", "the metrics the device reports, each with its signal model") {
            if case .mapping(let mapping) = metricsNode.node {
                for (key, value) in mapping {
                    let name = key.string ?? ""
                    let child = ScenarioNode(node: value, keyPath: metricsNode.child(name), problems: node.problems)
                    if let signal = signal(child, metric: name) { metrics.append(signal) }
                }
                if metrics.isEmpty && mapping.count == 0 { metricsNode.report("expected at least one metric") }
            } else {
                metricsNode.report("expected a mapping of metric names to signal models; got \(metricsNode.got)")
            }
        }
        if format == .csv {
            for metric in metrics where !PayloadEncoder.csvColumns.contains(metric.name) {
                map.optional("metrics")?.report(
                    "metric '\(metric.name)' has no column in the CSV payload (columns: \(PayloadEncoder.csvColumns.joined(separator: ", ")))")
            }
        }
        guard let id, let utility, let site, interval > 0 else { return nil }
        let topic = map.optional("topic")?.text("an MQTT topic") ?? "sim/\(format.rawValue)/\(utility.rawValue)/\(site)/\(id)"
        if topic.contains("+") || topic.contains("#") { map.optional("topic")?.report("a topic to publish on has no wildcards; got '\(topic)'") }
        return ScenarioDevice(id: id, utility: utility, site: site, format: format, topic: topic, intervalMillis: interval, qos: qos, metrics: metrics)
    }

    static func isPlain(_ character: Character) -> Bool {
        character.isASCII && (character.isLetter || character.isNumber || "-_.:".contains(character))
    }

    /// A signal model: a mapping, or just the baseline (`pressure: 420kPa`).
    private static func signal(_ node: ScenarioNode, metric: String) -> MetricSignal? {
        if metric.isEmpty || !metric.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) {
            node.report("expected a metric name such as pressure (letters, digits, _); got '\(metric)'")
            return nil
        }
        if case .scalar = node.node {
            guard let baseline = node.quantity(of: metric) else { return nil }
            return MetricSignal(name: metric, baseline: baseline, noise: 0, daily: nil, driftPerHour: 0, minimum: nil, maximum: nil, decimals: 3)
        }
        guard let map = node.mapping(known: signalKeys) else { return nil }
        let baseline = map.required("baseline", "the metric's usual value, such as 420kPa")?.quantity(of: metric)
        let noise = map.optional("noise")?.quantity(of: metric, difference: true) ?? 0
        if noise < 0 { map.optional("noise")?.report("expected a standard deviation of 0 or more") }
        let drift = map.optional("drift_per_hour")?.quantity(of: metric, difference: true) ?? 0
        let minimum = map.optional("min")?.quantity(of: metric)
        let maximum = map.optional("max")?.quantity(of: metric)
        let decimals = map.optional("decimals")?.integer("a number of decimals from 0 to 6", range: 0...6) ?? 3
        var daily: DailyProfile?
        if let dailyNode = map.optional("daily") {
            if case .sequence = dailyNode.node {
                let values = (dailyNode.list() ?? []).compactMap { $0.number("a relative change such as -0.05") }
                if values.count == 24 { daily = .hourly(values) } else {
                    dailyNode.report("expected 24 relative changes, one per hour from 00:00; got \(values.count)")
                }
            } else {
                daily = dailyNode.number("a relative amplitude such as -0.05, or a list of 24 hourly changes", range: -1...10).map { .amplitude($0) }
            }
        }
        guard let baseline else { return nil }
        return MetricSignal(
            name: metric, baseline: baseline, noise: noise, daily: daily, driftPerHour: drift,
            minimum: minimum, maximum: maximum, decimals: decimals)
    }
}
