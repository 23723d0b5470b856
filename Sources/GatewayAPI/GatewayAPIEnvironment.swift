import GatewayAlerting
import GatewayCore
import GatewayIngest
import GatewayQuery
import GatewayStore
import Prometheus
import Synchronization

/// What the API reads: the daemon's live state (counters, the broker link, readiness) and the
/// store (through a read-only `StoreReader`, so queries never block ingest). One value, built by
/// the daemon and handed to every endpoint; tests build one over a temporary store.
public final class GatewayAPIEnvironment: Sendable {
    public let gatewayID: String
    public let brokerURL: String
    public let startedAt: EpochMillis
    public let clock: any WallClock
    public let counters: IngestCounters
    public let link: BrokerLinkTracker
    public let reader: StoreReader
    /// The registry `/metrics` exposes; the ingest counters write into it through swift-metrics.
    public let registry: PrometheusCollectorRegistry
    /// The rules stage: operator actions on alerts, tickets and devices go through it (the daemon
    /// is the one writer of that state); `nil` in tests that need no rules.
    public let rules: RulesStage?
    /// The uplink's part of the status document; `nil` when no uplink is configured. A closure, so
    /// that the API needs no dependency on the forwarder.
    public let uplinkStatus: (@Sendable () -> GatewayStatus.LinkState)?
    /// The buffer policy's part of the status document; `nil` leaves it out.
    public let bufferStatus: (@Sendable () -> GatewayStatus.BufferState)?
    /// The webhooks' part of the status document; `nil` leaves it out.
    public let webhookStatus: (@Sendable () -> [GatewayStatus.WebhookState])?
    /// Whether the store is open with its migrations applied. The daemon sets it after opening
    /// the store and clears it before closing it, so `/readyz` goes unready before shutdown.
    public let storeReady = Atomic<Bool>(false)
    let sampler: ScrapeGauges

    public init(
        gatewayID: String, brokerURL: String, startedAt: EpochMillis, clock: any WallClock = SystemWallClock(),
        counters: IngestCounters, link: BrokerLinkTracker, reader: StoreReader, registry: PrometheusCollectorRegistry,
        rules: RulesStage? = nil, uplinkStatus: (@Sendable () -> GatewayStatus.LinkState)? = nil,
        bufferStatus: (@Sendable () -> GatewayStatus.BufferState)? = nil,
        webhookStatus: (@Sendable () -> [GatewayStatus.WebhookState])? = nil
    ) {
        self.webhookStatus = webhookStatus
        self.bufferStatus = bufferStatus
        self.rules = rules
        self.uplinkStatus = uplinkStatus
        self.gatewayID = gatewayID
        self.brokerURL = brokerURL
        self.startedAt = startedAt
        self.clock = clock
        self.counters = counters
        self.link = link
        self.reader = reader
        self.registry = registry
        sampler = ScrapeGauges(registry: registry)
    }

    /// Why the gateway is not ready, one sentence per reason; empty when it is ready.
    public var unreadyReasons: [String] {
        var reasons: [String] = []
        if !storeReady.load(ordering: .relaxed) { reasons.append("the store is not open") }
        let broker = link.snapshot
        switch broker.state {
        case .connected: break
        case .connecting: reasons.append("not connected to the broker yet" + (broker.reason.map { " (\($0))" } ?? ""))
        case .disconnected: reasons.append("the broker connection is down" + (broker.reason.map { " (\($0))" } ?? ""))
        }
        if broker.state == .connected {
            for (filter, state) in broker.subscriptions {
                switch state {
                case .acknowledged: break
                case .pending: reasons.append("the subscription to '\(filter)' is not acknowledged yet")
                case .refused(let code): reasons.append("the broker refused the subscription to '\(filter)' (reason code \(code))")
                }
            }
        }
        return reasons
    }

    /// The store's counts, read at most once a second: counting the hot tier scans it (1–7 ms
    /// under ingest), and a dashboard polling status from many browsers must not multiply that.
    private let cachedCounts = Mutex<(at: ContinuousClock.Instant, counts: StoreCounts)?>(nil)

    func storeCounts() throws -> StoreCounts {
        let now = ContinuousClock.now
        if let cached = cachedCounts.withLock({ $0 }), now - cached.at < .seconds(1) { return cached.counts }
        let counts = try reader.counts()
        cachedCounts.withLock { $0 = (now, counts) }
        return counts
    }

    /// The status document, from the live counters and the store's counts (at most a second old).
    public func status() throws -> GatewayStatus {
        let now = clock.now()
        let counts = try storeCounts()
        let broker = link.snapshot
        let rates = counters.rates(now: now)
        let unready = unreadyReasons
        return GatewayStatus(
            gateway: .init(
                id: gatewayID, version: GatewayVersion.current, startedAt: RFC3339.format(startedAt),
                uptimeSeconds: Double(now - startedAt) / 1000),
            ready: unready.isEmpty, unreadyReasons: unready,
            broker: .init(
                url: brokerURL, state: broker.state.rawValue, since: broker.since.map(RFC3339.format),
                reason: broker.reason, reconnects: broker.reconnects,
                subscriptions: broker.subscriptions.map { filter, state in
                    switch state {
                    case .pending: .init(filter: filter, state: "pending", grantedQoS: nil)
                    case .acknowledged(let qos): .init(filter: filter, state: "acknowledged", grantedQoS: qos)
                    case .refused: .init(filter: filter, state: "refused", grantedQoS: nil)
                    }
                }),
            uplink: uplinkStatus?() ?? .init(
                state: "not_configured", since: nil,
                reason: "no uplink is configured; every reading stays in the local store"),
            routes: counters.routeTallies.map {
                .init(
                    route: $0.route, received: $0.tally.received, decoded: $0.tally.decoded,
                    quarantined: $0.tally.quarantined, readings: $0.tally.readings)
            },
            ingest: .init(
                messagesReceived: counters.messagesReceived.load(ordering: .relaxed),
                readingsStored: counters.readingsStored.load(ordering: .relaxed),
                duplicatesSkipped: counters.duplicatesSkipped.load(ordering: .relaxed),
                quarantined: counters.quarantined.load(ordering: .relaxed),
                commitFailures: counters.commitFailures.load(ordering: .relaxed),
                messagesPerSecond: rates.messagesPerSecond, readingsPerSecond: rates.readingsPerSecond),
            store: .init(
                path: reader.path, fileBytes: counts.fileSizeBytes, walBytes: counts.walSizeBytes,
                readings: counts.readings, recentReadings: counts.recentReadings, series: counts.series,
                quarantined: counts.quarantined, oldestReading: counts.oldestTimestamp.map(RFC3339.format),
                newestReading: counts.newestTimestamp.map(RFC3339.format)),
            buffer: bufferStatus?(), webhooks: webhookStatus?())
    }
}
