import GatewayCore

/// `metrics:` of one route → ``MetricMapping``s: unique vocabulary names, known units, and units
/// that measure what the metric is (`pressure` in `V` is refused).
enum MetricSection {
    static let keys = ["name", "path", "unit", "unit_path", "atmospheric_pressure", "lower_explosive_limit"]

    static func decodeAll(_ node: ConfigNode) -> [MetricMapping]? {
        guard let items = node.list(expecting: "a list of metrics") else { return nil }
        guard !items.isEmpty else {
            node.report("at least one metric is required: a route without metrics stores nothing")
            return nil
        }
        var metrics: [MetricMapping] = []
        var complete = true
        var owners: [String: String] = [:]
        for item in items {
            guard let section = item.mapping(expecting: "a metric such as `{ name: pressure, path: pressure, unit: kPa }`") else {
                complete = false
                continue
            }
            section.rejectUnknownKeys(keys)
            let nameNode = section.required("name", "the metric name, such as pressure")
            let name = nameNode?.name(
                expecting: "a metric name of lowercase letters, digits and '_', such as chlorine_free",
                allowed: { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
            )
            if let name, let nameNode {
                if let owner = owners[name] {
                    let line = item.context.sourceMap.nearestLocation(of: owner).line
                    nameNode.report("metric '\(name)' is already mapped by \(owner) (line \(line)); each metric may appear once per route")
                } else {
                    owners[name] = item.keyPath
                }
            }
            let path = section.required("path", "where the payload holds the value, such as pressure")?
                .string(expecting: "a payload path such as pressure")
            // A unit is declared, or read from the payload (unit_path), or — for formats that carry
            // units, such as SenML — left to the format; the adapter checks that one of them applies.
            let unitNode = section.optional("unit")
            let unit = unitNode.flatMap { parseUnit($0, metric: name) }
            let unitPathNode = section.optional("unit_path")
            let unitPath = unitPathNode?.string(expecting: "a payload path where the unit is, such as unit")
            if unitNode != nil && unitPathNode != nil {
                unitPathNode?.report("give either unit (what the device sends) or unit_path (where the payload says it), not both")
            }
            let atmosphere = section.optional("atmospheric_pressure")?.number(expecting: "the atmospheric pressure in kPa, such as 101.325", range: 50...120)
            let lowerLimit = section.optional("lower_explosive_limit")?.number(expecting: "the gas's lower explosive limit in %vol, such as 5.0 for methane", range: 0.1...100)
            guard let name, let path, unitNode == nil || unit != nil else {
                complete = false
                continue
            }
            metrics.append(MetricMapping(
                name: name, path: path, unit: unit, unitPath: unitPath, atmosphericPressureKPa: atmosphere,
                lowerExplosiveLimitPercentVol: lowerLimit))
        }
        return complete ? metrics : nil
    }

    /// A unit known to ``UnitCatalog``, of the metric's quantity when the metric is in
    /// ``MetricCatalog``.
    static func parseUnit(_ node: ConfigNode, metric: String?) -> String? {
        guard let unit = node.text(expecting: "a unit such as kPa, m3/h or degC") else { return nil }
        let expected = metric.flatMap(MetricCatalog.quantity(of:))
        guard let conversion = UnitCatalog.conversion(from: unit) else {
            let candidates = expected.map(QuantityWording.units(of:)) ?? UnitCatalog.conversions.keys.sorted()
            var message = "unknown unit \(Phrase.quoted(unit))"
            // Only a difference of case is suggested: a unit one letter away (ppb, ppm) is another scale.
            if let suggestion = candidates.first(where: { $0.lowercased() == unit.lowercased() }) {
                message += "; did you mean '\(suggestion)'? (unit symbols are case-sensitive)"
            } else if expected != nil, let metric {
                message += candidates.count == 1
                    ? "; \(metric) is measured in \(candidates[0])"
                    : "; \(metric) units are \(Phrase.list(candidates))"
            } else {
                message += "; known units are \(candidates.joined(separator: ", "))"
            }
            node.report(message)
            return nil
        }
        if let expected, let metric, conversion.quantity != expected {
            let examples = QuantityWording.examples(of: expected)
            node.report(
                "\(metric) is measured in \(QuantityWording.article(expected)) \(QuantityWording.name(expected)) unit "
                    + "such as \(examples.joined(separator: ", ")); got \(unit) (\(QuantityWording.name(conversion.quantity)))"
            )
            return nil
        }
        return unit
    }
}
