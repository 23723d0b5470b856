import GatewayCore
import GatewayForward
import GatewayQuery

extension UplinkMonitor {
    /// The uplink's part of the status document.
    func linkState(url: BrokerURL, now: EpochMillis) -> GatewayStatus.LinkState {
        let s = snapshot
        return GatewayStatus.LinkState(
            state: s.state, since: s.since.map(RFC3339.format), reason: s.reason, url: "\(url)",
            backlog: s.backlog.map { backlog in
                GatewayStatus.UplinkBacklog(
                    readings: backlog.readings, events: backlog.events, bytesEstimate: s.backlogBytesEstimate,
                    oldestAgeSeconds: backlog.oldestReceivedAt.map { max(0, Double(now - $0) / 1000) })
            },
            forwarded: GatewayStatus.UplinkForwarded(
                readings: s.forwardedReadings, events: s.forwardedEvents, messages: s.messagesPublished,
                connections: s.connections, lastAcknowledged: s.lastAcknowledgedAt.map(RFC3339.format)))
    }
}
