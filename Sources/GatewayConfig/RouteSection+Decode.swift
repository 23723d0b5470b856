import GatewayCore

/// `routes:` → ``RouteConfiguration``s: one subscription filter each, how the payload is read and
/// whom the readings belong to. Checks what spans keys: `{topic.N}` against the filter's levels,
/// shared subscriptions against the protocol version, unique route ids.
enum RouteSection {
    static let keys = [
        "id", "topic", "qos", "format", "utility", "site", "device", "timestamp", "metrics",
        "max_future_skew", "max_age", "attributes",
    ] + FormatOptionsSection.formatKeys
    static let filterExpectation = "an MQTT topic filter such as utilities/water/+/+/telemetry"
    static let qos2Explanation =
        "QoS 2 is not supported for receiving: libmosquitto 2.0 keeps a QoS 2 message in client memory "
        + "until the broker's PUBREL arrives, so a crash in between loses a message the broker counts as "
        + "delivered. Use qos: 1 — the gateway deduplicates readings, which gives the same result "
        + "(each reading stored once) and survives a crash"

    /// One route as far as it could be decoded: its id even when other keys are wrong, so that ids
    /// are checked for uniqueness across all routes.
    struct Decoded {
        var id: String?
        var idIsExplicit = false
        var route: RouteConfiguration?
    }

    static func decodeAll(_ node: ConfigNode, protocolVersion: MQTTProtocolVersion?) -> [RouteConfiguration]? {
        guard let items = node.list(expecting: "a list of routes") else { return nil }
        guard !items.isEmpty else {
            node.report("at least one route is required: without routes the gateway subscribes to nothing")
            return nil
        }
        var routes: [RouteConfiguration] = []
        var complete = true
        var owners: [String: String] = [:]
        for (index, item) in items.enumerated() {
            let decoded = decode(item, index: index, protocolVersion: protocolVersion)
            if let id = decoded.id {
                if let owner = owners[id] {
                    let line = item.context.sourceMap.nearestLocation(of: owner).line
                    if decoded.idIsExplicit {
                        item.context.report(
                            at: ConfigSourceMap.child(item.keyPath, "id"),
                            "route id '\(id)' is already used by \(owner) (line \(line)); route ids must be unique"
                        )
                    } else {
                        item.report("this route's default id '\(id)' is already used by \(owner) (line \(line)); give this route an 'id'")
                    }
                } else {
                    owners[id] = item.keyPath
                }
            }
            if let route = decoded.route { routes.append(route) } else { complete = false }
        }
        return complete ? routes : nil
    }

    static func decode(_ item: ConfigNode, index: Int, protocolVersion: MQTTProtocolVersion?) -> Decoded {
        guard let route = item.mapping(expecting: "a route: a mapping with topic, utility, site, device and metrics") else {
            return Decoded()
        }
        route.rejectUnknownKeys(keys)
        var decoded = Decoded()
        if let node = route.optional("id") {
            decoded.idIsExplicit = true
            decoded.id = node.name(
                expecting: "a route id of lowercase letters, digits, '_' and '-', such as water-telemetry",
                allowed: { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" || $0 == "-" }
            )
        } else {
            decoded.id = "route-\(index + 1)"
        }
        let topic = route.required("topic", filterExpectation).flatMap { topicFilter($0, protocolVersion: protocolVersion) }
        var qos = 1
        if let node = route.optional("qos"), let value = parseQoS(node) { qos = value }
        var format = "json"
        if let node = route.optional("format"), let value = parseFormat(node, formats: route.owner.context.options.formats) { format = value }
        let levels = topic.flatMap(levelCount)
        let utility = route.required("utility", "water, power, gas or a template such as {topic.1}")
            .flatMap { RouteTemplates.utility($0, levels: levels) }
        let site = route.required("site", "a text or a template such as {topic.2}")
            .flatMap { RouteTemplates.template($0, levels: levels) }
        let device = route.required("device", "a text or a template such as {topic.3} or {payload.device_id}")
            .flatMap { RouteTemplates.template($0, levels: levels) }
        let timestampNode = route.optional("timestamp")
        let timestamp = timestampNode.flatMap(TimestampSection.decode)
        let metrics = route.required("metrics", "a list of metrics such as `- { name: pressure, path: pressure, unit: kPa }`")
            .flatMap(MetricSection.decodeAll)
        let formatOptions = FormatOptionsSection.decode(route, format: format)
        var maxFutureSkew = 300.0
        if let node = route.optional("max_future_skew"), let value = node.duration() { maxFutureSkew = value }
        var maxAge = 7 * 86_400.0
        if let node = route.optional("max_age"), let value = node.duration({ $0 > 0 ? nil : "max_age must be more than 0s" }) {
            maxAge = value
        }

        // Attributes of every device on this route, for rule matches (DeviceRegistry).
        let attributesNode = route.optional("attributes")
        let attributes = attributesNode.flatMap(AttributesSection.decode)

        guard let id = decoded.id, let topic, let utility, let site, let device, let metrics,
            timestampNode == nil || timestamp != nil, attributesNode == nil || attributes != nil
        else { return decoded }
        decoded.route = RouteConfiguration(
            id: id, topic: topic, qos: qos, format: format, utility: utility, site: site, device: device,
            timestamp: timestamp, metrics: metrics, formatOptions: formatOptions,
            maxFutureSkewSeconds: maxFutureSkew, maxAgeSeconds: maxAge, attributes: attributes ?? [:]
        )
        return decoded
    }

    /// A valid subscription filter; `$share/…` only with MQTT 5.
    static func topicFilter(_ node: ConfigNode, protocolVersion: MQTTProtocolVersion?) -> String? {
        guard let filter = node.string(expecting: filterExpectation) else { return nil }
        if let problem = TopicFilter.problem(in: filter) {
            node.report("invalid topic filter \(Phrase.quoted(filter)): \(problem)")
            return nil
        }
        if filter.hasPrefix("$share/"), protocolVersion == .v311 {
            node.report(
                "shared subscriptions ($share/<group>/<filter>) need MQTT 5, and broker.protocol is 3.1.1; "
                    + "set protocol: \"5\" or subscribe without $share"
            )
        }
        return filter
    }

    /// How many levels a message topic matching `filter` has, or `nil` when `#` makes it open-ended.
    static func levelCount(_ filter: String) -> Int? {
        let match = TopicFilter.stripSharePrefix(filter)
        return match.contains("#") ? nil : TopicFilter.levels(of: match).count
    }

    static func parseQoS(_ node: ConfigNode) -> Int? {
        guard let qos = node.integer(expecting: "a QoS of 0 or 1") else { return nil }
        if qos == 2 {
            node.report(qos2Explanation)
            return nil
        }
        guard qos == 0 || qos == 1 else {
            node.report("expected a QoS of 0 or 1; got \(qos)")
            return nil
        }
        return qos
    }

    static func parseFormat(_ node: ConfigNode, formats: [String]?) -> String? {
        guard let supported = formats else { return node.text(expecting: "a payload format such as json") }
        guard let format = node.text(expecting: "a payload format: \(Phrase.list(supported))") else { return nil }
        guard supported.contains(format) else {
            node.report(
                "unknown format \(Phrase.quoted(format)); supported formats: \(supported.joined(separator: ", "))"
                    + Phrase.didYouMean(format, among: supported)
            )
            return nil
        }
        return format
    }
}
