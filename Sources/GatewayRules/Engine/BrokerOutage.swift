import GatewayCore

/// The local broker link is down, as the rule engine sees it (`GatewayEvent.Kind.brokerLinkDown`).
///
/// Why the engine holds `no_data` while it lasts: with the link down every device falls silent at
/// once, and a `no_data` per device would bury the one alert that names the cause
/// (`broker.link_down`) under hundreds — the "comms failure suppresses point alarms" practice of
/// SCADA front ends (ISA-18.2 first-out). Readings that the broker queued for the persistent session
/// arrive after the link returns and count as data as usual.
public struct BrokerOutage: Sendable, Hashable, Codable {
    /// Wall time the link went down.
    public var since: EpochMillis
    /// `broker.link_down` has been raised (the outage outlasted `alerting.broker_link_down_after`).
    public var alerted: Bool
    /// Why (the event's message), for the alert.
    public var reason: String

    public init(since: EpochMillis, alerted: Bool = false, reason: String) {
        self.since = since
        self.alerted = alerted
        self.reason = reason
    }
}

extension RuleEngine {
    /// The link went down: hold every `no_data` from now on. A second report of the same outage
    /// changes nothing.
    mutating func brokerLinkDown(_ event: GatewayEvent) -> [AlertEvent] {
        guard brokerOutage == nil else { return [] }
        brokerOutage = BrokerOutage(since: event.timestamp, reason: event.message)
        recomputeWallDue()
        return []
    }

    /// The link is back: `broker.link_down` clears (if it was raised), and every `no_data` period
    /// starts again from now — event time, so that a backdated feed is judged on its own clock.
    /// Sent at every connection; without an outage it does nothing.
    mutating func brokerLinkUp(_ event: GatewayEvent) -> [AlertEvent] {
        guard brokerOutage != nil else { return [] }
        brokerOutage = nil
        noDataResumedAt = max(watermark ?? event.timestamp, noDataResumedAt ?? .min)
        let events = clearCondition(GatewayRuleID.brokerLinkDown, event)
        recomputeWallDue()
        for index in trackers.indices where trackers[index].isNoData { schedule(index) }
        return events
    }

    /// When `broker.link_down` is due (wall time), if the outage has not been alerted yet.
    var brokerOutageAlertDue: EpochMillis? {
        guard let outage = brokerOutage, !outage.alerted else { return nil }
        return outage.since + settings.brokerLinkDownAfterMillis
    }

    /// Raises `broker.link_down` once the outage has lasted long enough.
    mutating func alertBrokerOutageIfDue(at now: EpochMillis, into events: inout [AlertEvent]) {
        guard let due = brokerOutageAlertDue, due <= now, let outage = brokerOutage else { return }
        brokerOutage?.alerted = true
        let seconds = (now - outage.since) / 1000
        events += raiseCondition(GatewayRuleID.brokerLinkDown, severity: .critical, GatewayEvent(
            timestamp: now, kind: .brokerLinkDown,
            message: "no connection to the local MQTT broker since \(RFC3339.format(outage.since)) (\(seconds) s): "
                + "\(outage.reason); no readings arrive, and the devices' no_data alerts are held until it returns"))
    }

    /// A tracker's `no_data` moment: its last reading plus its period, and not before a whole period
    /// after the link last came back; `nil` while the link is down (held).
    func noDataDue(_ index: Int) -> EpochMillis? {
        guard brokerOutage == nil, let due = trackers[index].noDataDue() else { return nil }
        guard let resumed = noDataResumedAt else { return due }
        return max(due, resumed + trackers[index].noDataMillis)
    }
}
