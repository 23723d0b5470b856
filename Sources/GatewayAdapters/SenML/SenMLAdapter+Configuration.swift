import GatewayCore

extension SenMLAdapter {
    static let optionKeys = ["max_records", "report_unmapped", "numbers_as_strings", "booleans_as_numbers"]

    /// Validates a route's SenML options once and builds its adapter, or lists every problem.
    ///
    /// Besides the `senml:` options, it refuses what cannot mean anything for SenML: a `timestamp:`
    /// (records carry `bt`/`t`), a `unit_path` (records carry `u`/`bu`), a metric path that is a
    /// template keyword, and a template path that is not one.
    static func make(route: RouteConfiguration) -> Result<any PayloadAdapter, RouteConfigurationErrors> {
        let reader = OptionReader(route: route, keys: optionKeys)
        var behaviour = RecordMapper<SenMLPath>.Behaviour()
        behaviour.metricsMayBeAbsent = true
        behaviour.unitsFromRecords = true
        behaviour.numbersAsStrings = reader.bool("numbers_as_strings", default: false)
        behaviour.booleansAsNumbers = reader.bool("booleans_as_numbers", default: false)
        let maxRecords = reader.int("max_records", default: 1000, range: 1...100_000)
        let reportUnmapped = reader.bool("report_unmapped", default: false)

        if route.timestamp != nil {
            reader.failRoute("timestamp",
                "SenML records carry their own time (bt + t, RFC 8428 §4.5.3); remove timestamp from this route")
        }
        var slots: [String: Int] = [:]
        var metrics: [MetricSlot] = []
        for (index, metric) in route.metrics.enumerated() {
            if SenMLPath.keywords[metric.path] != nil {
                reader.failRoute("metrics[\(index)].path",
                    "'\(metric.path)' is a SenML field, not a record name; a metric's path is a record name such as temperature or urn:dev:ow:10e2073a01080063:temperature")
                continue
            }
            if metric.unitPath != nil {
                reader.failRoute("metrics[\(index)].unit_path",
                    "SenML records carry their unit in u (or bu); remove unit_path, and declare unit only for devices that send none")
            }
            let slot = slots[metric.path] ?? slots.count
            slots[metric.path] = slot
            metrics.append(MetricSlot(name: metric.name, path: metric.path, slot: slot, declaredUnit: metric.unit))
        }
        if slots.count > 64 {
            reader.failRoute("metrics", "a SenML route maps at most 64 distinct record names; this one maps \(slots.count)")
        }
        for (key, template) in [("utility", route.utility), ("site", route.site), ("device", route.device)] {
            for case .payloadPath(let path) in template.parts where SenMLPath.keywords[path] == nil {
                reader.failRoute(key,
                    "{payload.\(path)}: SenML templates read {payload.bn} (the base name, without a trailing ':' or '/'), {payload.n} (the record's name) or {payload.name} (bn + n)")
            }
        }

        let mapper = RecordMapper.make(route: route, behaviour: behaviour, reader: reader) { text in
            if let keyword = SenMLPath.keywords[text] { return .success(keyword) }
            guard !text.isEmpty else { return .failure(OptionProblem("the path is empty; expected a record name")) }
            return .success(.record(text, slot: slots[text] ?? -1))
        }
        guard let mapper, reader.errors.isEmpty else { return .failure(reader.failure ?? RouteConfigurationErrors([])) }
        var paths = Array(repeating: "", count: slots.count)
        for (path, slot) in slots { paths[slot] = path }
        return .success(SenMLAdapter(
            mapper: mapper, paths: paths, metrics: metrics, maxRecords: maxRecords, reportUnmapped: reportUnmapped))
    }
}
