import CoreMetrics
import Synchronization

/// The ingest path's swift-metrics handles. Names follow `gateway_<thing>_<unit>_total` for
/// counters (Prometheus conventions); labels are the route id and the quarantine reason code,
/// both bounded sets (routes come from the configuration, reasons from `QuarantineReason`).
final class IngestMetrics: Sendable {
    private let factory: any MetricsFactory
    private let received = Mutex<[String: Counter]>([:])
    private let decoded = Mutex<[String: Counter]>([:])
    private let quarantine = Mutex<[IngestCounters.QuarantineKey: Counter]>([:])
    private let readingsStored: Counter
    private let readingsDuplicate: Counter
    private let commitFailures: Counter
    private let latency: Timer

    init(factory: any MetricsFactory) {
        self.factory = factory
        readingsStored = Counter(label: "gateway_readings_stored_total", factory: factory)
        readingsDuplicate = Counter(label: "gateway_readings_duplicate_total", factory: factory)
        commitFailures = Counter(label: "gateway_store_commit_failures_total", factory: factory)
        latency = Timer(label: "gateway_ingest_commit_latency_seconds", factory: factory)
    }

    /// Creates a route's counters up front, so that a scrape lists every route from the start
    /// (a series that appears only after its first message breaks `rate()` over the gap).
    func prepare(route: String) {
        _ = counter(in: received, route, "gateway_messages_received_total")
        _ = counter(in: decoded, route, "gateway_messages_decoded_total")
    }

    func count(route: String, received count: Int, decoded decodedCount: Int) {
        counter(in: received, route, "gateway_messages_received_total").increment(by: count)
        if decodedCount > 0 { counter(in: decoded, route, "gateway_messages_decoded_total").increment(by: decodedCount) }
    }

    func quarantined(_ key: IngestCounters.QuarantineKey, _ count: Int) {
        let counter = quarantine.withLock { counters in
            if let existing = counters[key] { return existing }
            let created = Counter(
                label: "gateway_messages_quarantined_total",
                dimensions: [("route", key.route), ("reason", key.reason.rawValue)], factory: factory)
            counters[key] = created
            return created
        }
        counter.increment(by: count)
    }

    func stored(_ count: Int, duplicates: Int) {
        if count > 0 { readingsStored.increment(by: count) }
        if duplicates > 0 { readingsDuplicate.increment(by: duplicates) }
    }

    func commitFailed() { commitFailures.increment() }

    func commitLatency(_ milliseconds: Int64) {
        latency.recordMilliseconds(milliseconds)
    }

    private func counter(in table: borrowing Mutex<[String: Counter]>, _ route: String, _ label: String) -> Counter {
        table.withLock { counters in
            if let existing = counters[route] { return existing }
            let created = Counter(label: label, dimensions: [("route", route)], factory: factory)
            counters[route] = created
            return created
        }
    }
}
