import CoreMetrics
import GatewayCore
import Synchronization

/// Running totals of the ingest path: the one place ingest is counted. Every count goes both to
/// the status API (read here, from any thread) and to swift-metrics (exported by `/metrics`), so
/// the two can never disagree about what they count.
///
/// Counts are applied after a batch is committed: a batch whose commit failed is redelivered by the
/// broker and counted when it finally lands.
public final class IngestCounters: Sendable {
    public let messagesReceived = Atomic<Int>(0)
    public let readingsStored = Atomic<Int>(0)
    public let duplicatesSkipped = Atomic<Int>(0)
    public let quarantined = Atomic<Int>(0)
    public let batchesCommitted = Atomic<Int>(0)
    public let commitFailures = Atomic<Int>(0)
    /// Quarantine records deleted by the retention bound (they were counted when they arrived;
    /// this says how many of them are no longer in the store, so the accounting stays explicit).
    public let quarantinePruned = Atomic<Int>(0)

    private let routeOrder: [String]
    private let byRoute = Mutex<[String: RouteTally]>([:])
    /// Quarantined parts by route and reason code (`"-"` when no route matched).
    private let quarantinedBy = Mutex<[QuarantineKey: Int]>([:])
    private let rates: Mutex<RateWindow>
    private let metrics: IngestMetrics

    /// A (route, reason) pair of the quarantine counts.
    public struct QuarantineKey: Hashable, Sendable {
        public var route: String
        public var reason: QuarantineReason

        public init(route: String, reason: QuarantineReason) {
            self.route = route
            self.reason = reason
        }
    }

    /// What one route saw since start.
    public struct RouteTally: Sendable, Hashable {
        /// Messages whose topic matched the route.
        public var received = 0
        /// Messages that gave at least one reading.
        public var decoded = 0
        /// Quarantine records (a whole message, or one bad part of one).
        public var quarantined = 0
        /// Readings decoded, before deduplication.
        public var readings = 0

        public init() {}
    }

    /// - Parameters:
    ///   - routeIDs: the configured routes, in order; they are listed (with zeros) from the start.
    ///   - metricsFactory: where the swift-metrics handles come from (the daemon passes its
    ///     Prometheus factory; tests pass their own registry's, or nothing).
    ///   - startedAt: when counting starts (rates over the first minute are over the time since).
    public init(
        routeIDs: [String] = [], metricsFactory: any MetricsFactory = NOOPMetricsHandler.instance,
        startedAt: EpochMillis = SystemWallClock().now()
    ) {
        routeOrder = routeIDs
        rates = Mutex(RateWindow(startedAt: startedAt))
        metrics = IngestMetrics(factory: metricsFactory)
        byRoute.withLock { tallies in
            for id in routeIDs { tallies[id] = RouteTally() }
        }
        for id in routeIDs { metrics.prepare(route: id) }
    }

    /// Counts one committed batch: what each message became, what the store kept, and how long
    /// the messages waited between arrival and durability.
    public func recordCommitted(
        _ results: [MessageOutcome], stored: Int, duplicates: Int, quarantined: Int, committedAt: EpochMillis
    ) {
        var batchTallies: [String: RouteTally] = [:]
        for result in results {
            var tally = batchTallies[result.route, default: RouteTally()]
            tally.received += 1
            if result.readings > 0 { tally.decoded += 1 }
            tally.quarantined += result.quarantined
            tally.readings += result.readings
            batchTallies[result.route] = tally
            metrics.commitLatency(max(0, committedAt - result.receivedAt))
        }
        byRoute.withLock { tallies in
            for (route, tally) in batchTallies {
                var total = tallies[route, default: RouteTally()]
                total.received += tally.received
                total.decoded += tally.decoded
                total.quarantined += tally.quarantined
                total.readings += tally.readings
                tallies[route] = total
            }
        }
        for (route, tally) in batchTallies {
            metrics.count(route: route, received: tally.received, decoded: tally.decoded)
        }
        messagesReceived.add(results.count, ordering: .relaxed)
        readingsStored.add(stored, ordering: .relaxed)
        duplicatesSkipped.add(duplicates, ordering: .relaxed)
        self.quarantined.add(quarantined, ordering: .relaxed)
        batchesCommitted.add(1, ordering: .relaxed)
        metrics.stored(stored, duplicates: duplicates)
        rates.withLock { $0.add(messages: results.count, readings: stored, at: committedAt) }
    }

    /// Counts a failed commit.
    public func recordCommitFailure() {
        commitFailures.add(1, ordering: .relaxed)
        metrics.commitFailed()
    }

    /// Counts quarantine records by route and reason.
    public func countQuarantine(_ records: [QuarantineRecord]) {
        guard !records.isEmpty else { return }
        var batch: [QuarantineKey: Int] = [:]
        for record in records {
            batch[QuarantineKey(route: record.route ?? "-", reason: record.reason), default: 0] += 1
        }
        quarantinedBy.withLock { counts in
            for (key, n) in batch { counts[key, default: 0] += n }
        }
        for (key, n) in batch { metrics.quarantined(key, n) }
    }

    /// The quarantine counts by route and reason since start.
    public var quarantineCounts: [QuarantineKey: Int] {
        quarantinedBy.withLock { $0 }
    }

    /// Per route, in configured order, then `-` (no route matched) when any message had none.
    public var routeTallies: [(route: String, tally: RouteTally)] {
        let tallies = byRoute.withLock { $0 }
        var out = routeOrder.map { ($0, tallies[$0] ?? RouteTally()) }
        for route in tallies.keys.sorted() where !routeOrder.contains(route) {
            out.append((route, tallies[route]!))
        }
        return out
    }

    /// Messages and stored readings per second over the last minute.
    public func rates(now: EpochMillis) -> (messagesPerSecond: Double, readingsPerSecond: Double) {
        rates.withLock { $0.perSecond(now: now) }
    }

    /// A consistent-enough copy for printing.
    public var snapshot: [String: Int] {
        [
            "messages_received": messagesReceived.load(ordering: .relaxed),
            "readings_stored": readingsStored.load(ordering: .relaxed),
            "duplicates_skipped": duplicatesSkipped.load(ordering: .relaxed),
            "quarantined": quarantined.load(ordering: .relaxed),
            "batches_committed": batchesCommitted.load(ordering: .relaxed),
            "commit_failures": commitFailures.load(ordering: .relaxed),
            "quarantine_pruned": quarantinePruned.load(ordering: .relaxed),
        ]
    }
}

/// What one message became, for the counters.
public struct MessageOutcome: Sendable, Hashable {
    /// The route id, or `-` when no route matched.
    public var route: String
    public var readings: Int
    public var quarantined: Int
    /// When the gateway read the message off the socket.
    public var receivedAt: EpochMillis

    public init(route: String, readings: Int, quarantined: Int, receivedAt: EpochMillis) {
        self.route = route
        self.readings = readings
        self.quarantined = quarantined
        self.receivedAt = receivedAt
    }
}
