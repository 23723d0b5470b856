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

extension BufferEnforcer {
    /// The buffer policy's part of the status document.
    func bufferState(brokerDropped: Int?) -> GatewayStatus.BufferState {
        let s = snapshot
        var state = GatewayStatus.BufferState(
            maxBytes: s.policy.maxBytes, usedBytes: s.usedBytes,
            whenFull: s.policy.dropOldestWhenFull ? "drop_oldest_readings" : "pause_ingest", full: s.full,
            retentionDeleted: s.totals.retentionDeleted, dropped: s.totals.dropped,
            droppedUnforwarded: s.totals.droppedUnforwarded, lastPass: s.lastPassAt.map(RFC3339.format))
        state.ingestPaused = s.ingestPaused
        state.pauses = s.pauses
        let disk = diskSpace?.snapshot ?? s.disk
        state.diskFull = disk.full
        state.diskFullEpisodes = disk.episodes
        state.retentionHeldBackSeconds = s.retentionHeldBackMillis / 1000
        state.brokerDroppedMessages = brokerDropped
        return state
    }
}
