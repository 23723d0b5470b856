import CoreMetrics
import GatewayCore
import GatewayMQTT
import Synchronization

/// The broker link as operators need to see it: connected or not, since when and why, how often it
/// was lost, and whether each subscription was granted. Fed by the ingest client's connection
/// events (on its loop thread), read by the status API and `/readyz` (from any thread).
public final class BrokerLinkTracker: Sendable {
    /// The link's state.
    public enum State: String, Sendable {
        /// Not connected yet since start (the first connect is in progress or being retried).
        case connecting
        case connected
        /// Lost; the client is backing off and will reconnect.
        case disconnected
    }

    /// A subscription's state in the current connection.
    public enum SubscriptionState: Sendable, Hashable {
        case pending
        case acknowledged(grantedQoS: Int)
        case refused(reasonCode: Int)
    }

    /// A copy of everything, taken under one lock.
    public struct Snapshot: Sendable {
        public var state: State
        /// When the state last changed; `nil` before the first change.
        public var since: EpochMillis?
        /// Why the link is down; `nil` while connected.
        public var reason: String?
        /// Connections established after the first one.
        public var reconnects: Int
        /// In the configured order.
        public var subscriptions: [(filter: String, state: SubscriptionState)]
    }

    private struct Inner {
        var state = State.connecting
        var since: EpochMillis?
        var reason: String?
        var connects = 0
        var subscriptions: [String: SubscriptionState] = [:]
        /// In the configured order; replaced by a reload.
        var filters: [String] = []
    }

    private let inner = Mutex(Inner())
    private let clock: any WallClock
    private let connectedGauge: Gauge
    private let reconnectCounter: Counter

    public init(filters: [String], clock: any WallClock = SystemWallClock(), metricsFactory: any MetricsFactory = NOOPMetricsHandler.instance) {
        self.clock = clock
        connectedGauge = Gauge(label: "gateway_mqtt_connected", factory: metricsFactory)
        reconnectCounter = Counter(label: "gateway_mqtt_reconnects_total", factory: metricsFactory)
        connectedGauge.record(0)
        inner.withLock { state in
            state.filters = filters
            for filter in filters { state.subscriptions[filter] = .pending }
        }
    }

    /// The routes' filters after a reload: new ones are pending until their SUBACK, removed ones
    /// are forgotten (readiness no longer waits for them).
    public func replaceFilters(_ filters: [String]) {
        inner.withLock { link in
            link.filters = filters
            link.subscriptions = link.subscriptions.filter { filters.contains($0.key) }
            for filter in filters where link.subscriptions[filter] == nil { link.subscriptions[filter] = .pending }
        }
    }

    /// Applies one connection event.
    public func apply(_ event: MQTTConnectionEvent) {
        let now = clock.now()
        var reconnected = false
        inner.withLock { link in
            switch event {
            case .connected:
                link.state = .connected
                link.since = now
                link.reason = nil
                link.connects += 1
                reconnected = link.connects > 1
                for filter in link.filters { link.subscriptions[filter] = .pending }
            case .disconnected(let reason):
                if link.state != .disconnected { link.since = now }
                link.state = link.connects == 0 ? .connecting : .disconnected
                link.reason = reason
                for filter in link.filters { link.subscriptions[filter] = .pending }
            case .subscribed(let filter, let grantedQoS):
                link.subscriptions[filter] = .acknowledged(grantedQoS: grantedQoS)
            case .subscriptionRefused(let filter, let reasonCode):
                link.subscriptions[filter] = .refused(reasonCode: reasonCode)
            }
        }
        switch event {
        case .connected:
            connectedGauge.record(1)
            if reconnected { reconnectCounter.increment() }
        case .disconnected: connectedGauge.record(0)
        default: break
        }
    }

    public var snapshot: Snapshot {
        inner.withLock { link in
            Snapshot(
                state: link.state, since: link.since, reason: link.reason, reconnects: max(0, link.connects - 1),
                subscriptions: link.filters.map { ($0, link.subscriptions[$0] ?? .pending) })
        }
    }
}
