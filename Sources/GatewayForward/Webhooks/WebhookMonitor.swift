import CoreMetrics
import GatewayCore
import Synchronization

/// One webhook's live state for operators: what was delivered, what failed and why, what waits.
///
/// Written by the webhook's delivery task, read by the API's status document at any time; the
/// swift-metrics handles feed `/metrics` (`gateway_webhook_*`, dimension `webhook`).
public final class WebhookMonitor: Sendable {
    /// One consistent copy of the state.
    public struct Snapshot: Sendable, Hashable {
        public var name: String
        /// The URL without its query (which may hold a receiver's token).
        public var url: String
        /// `idle` (nothing waits), `delivering`, or `retrying` (the last attempt failed).
        public var state = "idle"
        public var delivered = 0
        public var failedAttempts = 0
        /// Failed attempts since the last success (0 while all is well).
        public var consecutiveFailures = 0
        /// Events the webhook's `events` list does not name (skipped, their cursor moved on).
        public var filtered = 0
        /// Events after the cursors, filtered ones included (measured every few seconds).
        public var pending: Int?
        public var lastDeliveredAt: EpochMillis?
        public var lastError: String?
        public var lastErrorAt: EpochMillis?
    }

    private let state: Mutex<Snapshot>
    private let clock: any WallClock
    private let delivered: Counter
    private let failed: Counter
    private let filtered: Counter
    private let pending: Gauge
    private let failing: Gauge

    public init(name: String, url: String, metricsFactory: any MetricsFactory, clock: any WallClock = SystemWallClock()) {
        state = Mutex(Snapshot(name: name, url: url))
        self.clock = clock
        let dimensions = [("webhook", name)]
        delivered = Counter(label: "gateway_webhook_delivered_events_total", dimensions: dimensions, factory: metricsFactory)
        failed = Counter(label: "gateway_webhook_failed_attempts_total", dimensions: dimensions, factory: metricsFactory)
        filtered = Counter(label: "gateway_webhook_filtered_events_total", dimensions: dimensions, factory: metricsFactory)
        pending = Gauge(label: "gateway_webhook_pending_events", dimensions: dimensions, factory: metricsFactory)
        failing = Gauge(label: "gateway_webhook_consecutive_failures", dimensions: dimensions, factory: metricsFactory)
    }

    public var snapshot: Snapshot { state.withLock { $0 } }

    func deliveredOne() {
        let now = clock.now()
        state.withLock { state in
            state.delivered += 1
            state.consecutiveFailures = 0
            state.lastDeliveredAt = now
            state.state = "delivering"
        }
        delivered.increment()
        failing.record(0)
    }

    func attemptFailed(_ reason: String) {
        let now = clock.now()
        let count = state.withLock { state -> Int in
            state.failedAttempts += 1
            state.consecutiveFailures += 1
            state.lastError = reason
            state.lastErrorAt = now
            state.state = "retrying"
            return state.consecutiveFailures
        }
        failed.increment()
        failing.record(count)
    }

    func filteredOne() {
        state.withLock { $0.filtered += 1 }
        filtered.increment()
    }

    func idle() {
        state.withLock { $0.state = "idle" }
    }

    func pendingMeasured(_ count: Int) {
        state.withLock { $0.pending = count }
        pending.record(count)
    }
}
