import GatewayCore
import GatewayQuery
import GatewayRules

/// The status page's sections about what needs an operator: active alerts and open tickets, first
/// on the page, each with a link to its API listing and an "N more" note when the page shows only
/// the first ones.
extension StatusPageRenderer {
    static func alerts(_ model: StatusPageModel) -> String {
        let alerts = model.activeAlerts
        let now = model.generatedAt
        var html = "<section class=\"card\" id=\"alerts\"><h2>Active alerts"
        if model.openAlertsTotal > 0 { html += " <span class=\"count\">· \(HumanFormat.count(model.openAlertsTotal))</span>" }
        html += "</h2>\n"
        guard !alerts.isEmpty else {
            return html + empty("No active alerts.", "Every watched series is within its limits.") + "</section>\n"
        }
        html += "<div class=\"scroll\"><table><thead><tr><th>Alert</th><th>State</th><th>Severity</th><th>Device</th>"
        html += "<th>Metric</th><th>Since (UTC)</th><th class=\"num\">Value</th><th class=\"num\">Threshold</th>"
        html += "<th>Flags</th></tr></thead><tbody>\n"
        for alert in alerts {
            let device = alert.utility.map { "\($0.rawValue)/" } ?? ""
            html += "<tr><td><code>\(HTML.escape(alert.alertID))</code> "
            html += "<span class=\"muted\">\(HTML.escape(alert.ruleID))</span></td>"
            html += "<td>\(badge(label(alert.state.rawValue), tone(ofAlert: alert.state)))</td>"
            html += "<td>\(badge(alert.severity.rawValue, alert.severity == .critical ? .bad : .warn))</td>"
            html += "<td><code>\(HTML.escape(device + alert.site + "/" + alert.device))</code></td>"
            html += "<td>\(HTML.escape(alert.metric))</td>"
            html += "<td class=\"num\"><time datetime=\"\(RFC3339.format(alert.since))\">"
            html += "\(HumanFormat.shortUTC(alert.since, now: now))</time></td>"
            html += "<td class=\"num\">\(alert.value.map(HumanFormat.value) ?? "–")</td>"
            html += "<td class=\"num\">\(alert.threshold.map(HumanFormat.value) ?? "–")</td>"
            html += "<td>\(flags(alert).map { badge($0, .neutral) }.joined(separator: " "))</td></tr>\n"
        }
        html += "</tbody></table></div>\n"
        html += more(model.openAlertsTotal - alerts.count, "alerts", link: "/api/v1/alerts")
        return html + "</section>\n"
    }

    static func tickets(_ model: StatusPageModel) -> String {
        let tickets = model.openTickets
        let now = model.generatedAt
        var html = "<section class=\"card\" id=\"tickets\"><h2>Open tickets"
        if model.openTicketsTotal > 0 { html += " <span class=\"count\">· \(HumanFormat.count(model.openTicketsTotal))</span>" }
        html += "</h2>\n"
        guard !tickets.isEmpty else {
            return html + empty("No open tickets.") + "</section>\n"
        }
        html += "<div class=\"scroll\"><table><thead><tr><th>Ticket</th><th>Step</th><th>Deadline (UTC)</th>"
        html += "<th>Device</th><th>Severity</th><th>Assignee</th></tr></thead><tbody>\n"
        for ticket in tickets {
            html += "<tr><td><code>\(HTML.escape(ticket.id))</code> <span class=\"muted\">\(HTML.escape(ticket.ruleID))</span></td>"
            html += "<td>\(HTML.escape(ticket.step.rawValue))</td>"
            if let deadline = ticket.currentDeadline {
                let overdue = ticket.isOverdue(at: now)
                html += "<td class=\"num\(overdue ? " hl-bad" : "")\"><time datetime=\"\(RFC3339.format(deadline))\">"
                html += "\(HumanFormat.shortUTC(deadline, now: now))</time>"
                html += overdue ? " overdue" : " <span class=\"muted\">(\(HumanFormat.age(of: deadline, now: now)))</span>"
                html += "</td>"
            } else {
                html += "<td class=\"muted\">–</td>"
            }
            html += "<td><code>\(HTML.escape(ticket.deviceKey))</code></td>"
            html += "<td>\(badge(ticket.severity.rawValue, ticket.severity == .critical ? .bad : .warn))</td>"
            html += "<td>\(ticket.assignee.map(HTML.escape) ?? "<span class=\"muted\">unassigned</span>")</td></tr>\n"
        }
        html += "</tbody></table></div>\n"
        html += more(model.openTicketsTotal - tickets.count, "tickets", link: "/api/v1/tickets")
        return html + "</section>\n"
    }

    /// An alert state's colour: unacknowledged red, acknowledged amber, the rest grey.
    static func tone(ofAlert state: AlertState) -> Tone {
        switch state {
        case .activeUnack, .clearedUnack: .bad
        case .activeAck: .warn
        case .pending, .cleared: .neutral
        }
    }

    /// The flags an alert carries on top of its state.
    static func flags(_ alert: AlertEvent) -> [String] {
        var flags: [String] = []
        if alert.shelved {
            flags.append("shelved" + (alert.shelvedUntil.map { " until " + HumanFormat.utc($0) } ?? ""))
        }
        if alert.suppressed { flags.append("suppressed") }
        if alert.outOfService { flags.append("out of service") }
        if alert.safety { flags.append("safety") }
        if alert.duringFlood { flags.append("flood") }
        return flags
    }

    private static func more(_ count: Int, _ what: String, link: String) -> String {
        guard count > 0 else { return "" }
        return "<p class=\"note\">\(HumanFormat.count(count)) more \(what) not shown: "
            + "<a href=\"\(link)\">\(link)</a></p>\n"
    }
}
