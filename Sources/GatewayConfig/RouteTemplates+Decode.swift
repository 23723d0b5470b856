import GatewayCore

/// `utility:`, `site:` and `device:` → ``FieldTemplate``s.
enum RouteTemplates {
    static let expectation = "a text or a template such as {topic.2} or {payload.meta.site}"

    /// A template whose `{topic.N}` levels exist in every topic the filter matches. `levels` is the
    /// filter's level count, `nil` when unknown or open-ended (`#`).
    static func template(_ node: ConfigNode, levels: Int?) -> FieldTemplate? {
        guard let text = node.string(expecting: expectation) else { return nil }
        let template: FieldTemplate
        switch FieldTemplate.parse(text) {
        case .success(let parsed): template = parsed
        case .failure(let error):
            node.report("invalid template: \(error.message)")
            return nil
        }
        if let levels, let highest = template.highestTopicLevel, highest >= levels {
            node.report(
                "{topic.\(highest)} reads topic level \(highest), but topics matching this route's filter have "
                    + "\(levels) level\(levels == 1 ? "" : "s") (numbered 0 to \(levels - 1))"
            )
            return nil
        }
        return template
    }

    /// A template that yields a ``Utility``: without placeholders it must be one of them.
    static func utility(_ node: ConfigNode, levels: Int?) -> FieldTemplate? {
        guard let template = template(node, levels: levels) else { return nil }
        let isLiteral = template.parts.allSatisfy { if case .literal = $0 { true } else { false } }
        if isLiteral, Utility(rawValue: template.source) == nil {
            let names = Utility.allCases.map(\.rawValue)
            node.report(
                "unknown utility \(Phrase.quoted(template.source)); expected \(Phrase.list(names)), "
                    + "or a template such as {topic.1} that yields one" + Phrase.didYouMean(template.source, among: names)
            )
            return nil
        }
        return template
    }
}

/// `timestamp:` → ``TimestampMapping``.
enum TimestampSection {
    static let keys = ["path", "format", "time_zone"]

    static func decode(_ node: ConfigNode) -> TimestampMapping? {
        guard let section = node.mapping(expecting: "a mapping such as `timestamp: { path: ts, format: epoch_ms }`") else {
            return nil
        }
        section.rejectUnknownKeys(keys)
        let path = section.required("path", "where the payload holds the event time, such as ts")?
            .string(expecting: "a payload path such as ts")
        var format = TimestampFormat.epochMillis
        if let value = section.optional("format")?.oneOf(TimestampFormat.self) { format = value }
        var zone: TimestampZone?
        if let zoneNode = section.optional("time_zone") {
            if let text = zoneNode.string(expecting: "a time zone such as UTC, Asia/Shanghai or +08:00") {
                zone = TimestampZone(parsing: text)
                if zone == nil {
                    zoneNode.report("expected a time zone such as UTC, Asia/Shanghai or +08:00; got '\(text)'")
                }
            }
            if format != .localDateTime {
                zoneNode.report("time_zone is only for format: datetime (the other formats carry their own offset or are UTC)")
            }
        } else if format == .localDateTime {
            section.owner.report(
                "format: datetime (a date and time without an offset) needs time_zone, such as UTC, Asia/Shanghai or +08:00: "
                    + "the gateway must not guess the zone a logger's clock is set to")
        }
        guard let path else { return nil }
        return TimestampMapping(path: path, format: format, timeZone: zone)
    }
}
