import GatewayCore

extension TicketBook {
    /// An alert became active (or changed severity): append it to the open ticket for its rule and
    /// device, or open one.
    ///
    /// - A ticket for (rule, `utility/site/device`) already open: the alert is linked to it (any
    ///   severity); the ticket's severity and risk rise to the highest linked.
    /// - Otherwise a ticket opens only when `severity` reaches `policy.when`.
    /// - While `siteFlooding` (the engine's flood alert for the site is active), a ticket that
    ///   would open is instead the site's flood ticket (`gateway.flood`, device `*`), opened by the
    ///   first such alert and linked by the rest — except for `safety` alerts, which always get
    ///   their own ticket. Tickets already open keep receiving their own re-firings. When the
    ///   flood ends the flood ticket stays open to be worked like any other; a later flood while
    ///   it is still open appends to it.
    /// - The same alert id at the same severity is linked once: a re-delivery after a restart
    ///   returns no events.
    public mutating func openOrAppend(
        rule ruleID: String, utility: Utility, site: String, device: String, metric: String,
        alertID: String, severity: Severity, risk: Risk, policy: TicketPolicy,
        safety: Bool = false, siteFlooding: Bool = false, at now: EpochMillis
    ) -> [TicketEvent] {
        guard linkedAlerts[LinkKey(alertID: alertID, severity: severity)] == nil else { return [] }
        let link = TicketAlertLink(
            alertID: alertID, ruleID: ruleID, utility: utility, site: site, device: device, metric: metric,
            severity: severity, at: now)
        if let position = openIndex[OpenKey(ruleID: ruleID, utility: utility, site: site, device: device)] {
            return append(link, risk: risk, to: position)
        }
        guard severity >= policy.when else { return [] }
        if siteFlooding, !safety {
            if let position = openIndex[.flood(site: site)] {
                return append(link, risk: risk, to: position)
            }
            return open(
                ruleID: Self.floodRuleID, device: Self.floodDevice, link: link, severity: .critical, risk: risk,
                spans: [:], safety: false, at: now)
        }
        return open(
            ruleID: ruleID, device: device, link: link, severity: severity, risk: risk, spans: policy.steps,
            safety: safety, at: now)
    }

    private mutating func open(
        ruleID: String, device: String, link: TicketAlertLink, severity: Severity, risk: Risk,
        spans: [TicketStep: DeadlineSpan], safety: Bool, at now: EpochMillis
    ) -> [TicketEvent] {
        var ticket = Ticket(
            id: "T\(state.nextNumber)", ruleID: ruleID, utility: link.utility, site: link.site, device: device,
            safety: safety, severity: severity, riskLevel: risk.level, riskCategory: risk.category, status: .open,
            step: .accept, closeReason: nil, openedAt: now, closedAt: nil, assignee: nil, escalationLevel: 0,
            steps: [], alerts: [link], history: [], stepSpans: TicketStepSpans(spans))
        ticket.steps = [startRecord(.accept, of: ticket, at: now)]
        var event = TicketEvent(.opened, ticket, at: now)
        event.alert = link
        ticket.history = [event]
        state.nextNumber += 1
        state.tickets.append(ticket)
        let position = state.tickets.count - 1
        positionByID[ticket.id] = position
        openIndex[OpenKey(ticket)] = position
        linkedAlerts[LinkKey(alertID: link.alertID, severity: link.severity)] = position
        return [event]
    }

    private mutating func append(_ link: TicketAlertLink, risk: Risk, to position: Int) -> [TicketEvent] {
        linkedAlerts[LinkKey(alertID: link.alertID, severity: link.severity)] = position
        return update(at: position) { ticket in
            ticket.alerts.append(link)
            if !ticket.isFlood, link.severity > ticket.severity { ticket.severity = link.severity }
            if risk.level.rank > ticket.riskLevel.rank {
                ticket.riskLevel = risk.level
                ticket.riskCategory = risk.category
            }
            var event = TicketEvent(.alertLinked, ticket, at: link.at)
            event.alert = link
            return [event]
        }
    }
}

extension RiskLevel {
    /// high 2, medium 1, low 0.
    fileprivate var rank: Int {
        switch self {
        case .high: 2
        case .medium: 1
        case .low: 0
        }
    }
}
