import CoreMetrics
import GatewayCore
import GatewayStore
import Synchronization

/// The forwarder's live state for operators: link state, what was forwarded, what waits.
///
/// Written by the forwarder's thread, read by the API (status document) at any time; the
/// swift-metrics handles feed `/metrics` (`gateway_uplink_*`).
public final class UplinkMonitor: Sendable {
    /// One consistent copy of the state.
    public struct Snapshot: Sendable, Hashable {
        /// `connecting`, `connected` or `disconnected`.
        public var state: String = "connecting"
        public var since: EpochMillis?
        public var reason: String?
        public var connections = 0
        public var forwardedReadings = 0
        public var forwardedEvents = 0
        public var messagesPublished = 0
        public var backlog: ForwardBacklog?
        /// Bytes the waiting readings take in the store, estimated (see `UplinkMonitor.bytesPerReading`).
        public var backlogBytesEstimate: Int64 { Int64(backlog?.readings ?? 0) * UplinkMonitor.bytesPerReading }
        public var lastAcknowledgedAt: EpochMillis?
    }

    /// A stored reading's share of the database file (row, keys, both indexes): bench/store's
    /// two-tier database held 10 million readings in 610 MiB, 64 bytes each. An estimate: the
    /// status calls it one.
    public static let bytesPerReading: Int64 = 64

    private let state = Mutex(Snapshot())
    private let clock: any WallClock
    private let forwardedReadings: Counter
    private let forwardedEvents: Counter
    private let messages: Counter
    private let pendingReadings: Gauge
    private let pendingEvents: Gauge
    private let connected: Gauge

    public init(metricsFactory: any MetricsFactory, clock: any WallClock = SystemWallClock()) {
        self.clock = clock
        forwardedReadings = Counter(label: "gateway_uplink_forwarded_readings_total", factory: metricsFactory)
        forwardedEvents = Counter(label: "gateway_uplink_forwarded_events_total", factory: metricsFactory)
        messages = Counter(label: "gateway_uplink_messages_published_total", factory: metricsFactory)
        pendingReadings = Gauge(label: "gateway_uplink_pending_readings", factory: metricsFactory)
        pendingEvents = Gauge(label: "gateway_uplink_pending_events", factory: metricsFactory)
        connected = Gauge(label: "gateway_uplink_connected", factory: metricsFactory)
    }

    public var snapshot: Snapshot { state.withLock { $0 } }

    func linkChanged(_ newState: String, reason: String?) {
        let now = clock.now()
        state.withLock { state in
            if newState == "connected" { state.connections += 1 }
            // The latest reason always; `since` only when the state itself changes (a link that stays
            // down through many refused attempts has been down since the first).
            state.reason = reason
            guard state.state != newState || state.since == nil else { return }
            state.state = newState
            state.since = now
        }
        connected.record(newState == "connected" ? 1 : 0)
    }

    func published() {
        state.withLock { $0.messagesPublished += 1 }
        messages.increment()
    }

    func forwarded(_ counts: [ForwardStream: Int]) {
        let readings = counts[.readings, default: 0]
        let events = counts[.alertHistory, default: 0] + counts[.ticketHistory, default: 0]
        let now = clock.now()
        state.withLock { state in
            state.forwardedReadings += readings
            state.forwardedEvents += events
            state.lastAcknowledgedAt = now
        }
        if readings > 0 { forwardedReadings.increment(by: readings) }
        if events > 0 { forwardedEvents.increment(by: events) }
    }

    func backlogMeasured(_ backlog: ForwardBacklog) {
        state.withLock { $0.backlog = backlog }
        pendingReadings.record(backlog.readings)
        pendingEvents.record(backlog.events)
    }
}
