import GatewayCore

/// `alerting:` → ``AlertingSettings``: chattering detection and flood control (ISA-18.2 / EEMUA 191),
/// and how long the broker link may be down before `broker.link_down`.
enum AlertingSection {
    static let keys = ["chattering", "flood", "broker_link_down_after"]
    static let chatteringKeys = ["activations", "window", "shelve_for"]
    static let floodKeys = ["new_alerts", "window", "end_below"]

    static func decode(_ node: ConfigNode) -> AlertingSettings {
        var settings = AlertingSettings()
        guard let section = node.mapping(expecting: "a mapping with chattering, flood and broker_link_down_after") else { return settings }
        section.rejectUnknownKeys(keys)
        if let after = section.optional("broker_link_down_after")?.positiveMillis() { settings.brokerLinkDownAfterMillis = after }
        if let chatteringNode = section.optional("chattering"),
            let chattering = chatteringNode.mapping(expecting: "`{ activations: 3, window: 60s, shelve_for: 1h }`")
        {
            chattering.rejectUnknownKeys(chatteringKeys)
            if let count = chattering.optional("activations").flatMap({ count($0, atLeast: 2, "activations of one alert within the window that make it chattering") }) {
                settings.chatteringActivations = count
            }
            if let window = chattering.optional("window")?.positiveMillis() { settings.chatteringWindowMillis = window }
            if let shelve = chattering.optional("shelve_for")?.positiveMillis() { settings.chatteringShelveMillis = shelve }
        }
        if let floodNode = section.optional("flood"),
            let flood = floodNode.mapping(expecting: "`{ new_alerts: 10, window: 10m, end_below: 5 }`")
        {
            flood.rejectUnknownKeys(floodKeys)
            let newAlerts = flood.optional("new_alerts").flatMap { count($0, atLeast: 1, "new alerts at one site within the window that make a flood") }
            if let newAlerts { settings.floodNewAlerts = newAlerts }
            if let window = flood.optional("window")?.positiveMillis() { settings.floodWindowMillis = window }
            let endBelowNode = flood.optional("end_below")
            let endBelow = endBelowNode.flatMap { count($0, atLeast: 1, "new alerts per window below which a flood ends") }
            if let endBelow { settings.floodEndBelow = endBelow }
            let bothKnown = (flood.has("new_alerts") == (newAlerts != nil)) && (endBelowNode == nil || endBelow != nil)
            if bothKnown, settings.floodEndBelow > settings.floodNewAlerts {
                (endBelowNode ?? floodNode).report(
                    "a flood starts above new_alerts (\(settings.floodNewAlerts)) and ends below end_below, so end_below must not exceed it; "
                        + "got end_below \(settings.floodEndBelow)")
            }
        }
        return settings
    }

    static func count(_ node: ConfigNode, atLeast minimum: Int, _ what: String) -> Int? {
        guard let value = node.integer(expecting: "a whole number of \(what), at least \(minimum)") else { return nil }
        guard value >= minimum, value <= 1_000_000 else {
            node.report("expected a whole number of \(what), from \(minimum) to 1000000; got \(value)")
            return nil
        }
        return value
    }
}
