import GatewayCore

/// `expect:` of a scenario: alerts and tickets that must appear, alerts that must not.
enum ExpectationDecoder {
    static let severities = ["warning", "critical"]

    static func decode(_ node: ScenarioNode) -> Expectations? {
        guard let map = node.mapping(known: ["alerts", "tickets", "absent", "no_other_alerts"]) else { return nil }
        var result = Expectations()
        for item in map.optional("alerts")?.list() ?? [] {
            guard let entry = item.mapping(known: ["rule", "device", "severity", "by"]) else { continue }
            guard let rule = entry.required("rule", "the rule id (a glob), such as water.pressure.drop_rate")?.text("a rule id") else { continue }
            result.alerts.append(AlertExpectation(
                rule: Glob(rule), device: Glob(entry.optional("device")?.text("a device id or glob") ?? "*"),
                severity: severity(entry.optional("severity")), byMillis: entry.optional("by")?.duration()))
        }
        for item in map.optional("tickets")?.list() ?? [] {
            guard let entry = item.mapping(known: ["rule", "device"]) else { continue }
            guard let rule = entry.required("rule", "the rule id (a glob) whose alert opens the ticket")?.text("a rule id") else { continue }
            result.tickets.append(TicketExpectation(
                rule: Glob(rule), device: Glob(entry.optional("device")?.text("a device id or glob") ?? "*")))
        }
        for item in map.optional("absent")?.list() ?? [] {
            guard let entry = item.mapping(known: ["rule", "device", "severity"]) else { continue }
            result.absent.append(AbsentExpectation(
                rule: Glob(entry.optional("rule")?.text("a rule id or glob") ?? "*"),
                device: Glob(entry.optional("device")?.text("a device id or glob") ?? "*"),
                severity: severity(entry.optional("severity"))))
        }
        result.noOtherAlerts = map.optional("no_other_alerts")?.boolean() ?? false
        return result
    }

    private static func severity(_ node: ScenarioNode?) -> String? {
        guard let node, let text = node.text("warning or critical") else { return nil }
        guard severities.contains(text) else {
            node.report("expected warning or critical; got '\(text)'")
            return nil
        }
        return text
    }
}
