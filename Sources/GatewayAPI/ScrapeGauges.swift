import Foundation
import GatewayStore
import Prometheus

/// Gauges that are read when `/metrics` is scraped rather than kept up to date: the store's size
/// and rows, and the process's resident memory and open file descriptors. Sampling at scrape time
/// costs nothing between scrapes and is exactly as fresh as the scrape.
///
/// These use the registry directly (gauges that are *set*, with HELP text); the ingest counters
/// go through swift-metrics.
final class ScrapeGauges: Sendable {
    private let storeBytes: Gauge
    private let walBytes: Gauge
    private let readings: Gauge
    private let recentReadings: Gauge
    private let series: Gauge
    private let quarantineRecords: Gauge
    private let residentMemory: Gauge
    private let openFiles: Gauge

    init(registry: PrometheusCollectorRegistry) {
        storeBytes = registry.makeGauge(descriptor: .init(namespace: "gateway", subsystem: "store", metricName: "size", unitName: "bytes", helpText: "Size of the SQLite database file."))
        walBytes = registry.makeGauge(descriptor: .init(namespace: "gateway", subsystem: "store", metricName: "wal_size", unitName: "bytes", helpText: "Size of the SQLite write-ahead log."))
        readings = registry.makeGauge(descriptor: .init(namespace: "gateway", subsystem: "store", metricName: "readings", unitName: "rows", helpText: "Readings in the store, both tiers."))
        recentReadings = registry.makeGauge(descriptor: .init(namespace: "gateway", subsystem: "store", metricName: "recent_readings", unitName: "rows", helpText: "Readings in the hot tier, not merged yet."))
        series = registry.makeGauge(descriptor: .init(namespace: "gateway", subsystem: "store", metricName: "series", unitName: "rows", helpText: "Distinct (utility, site, device, metric) series."))
        quarantineRecords = registry.makeGauge(descriptor: .init(namespace: "gateway", subsystem: "store", metricName: "quarantine", unitName: "rows", helpText: "Quarantine records kept in the store."))
        residentMemory = registry.makeGauge(descriptor: .init(namespace: "process", metricName: "resident_memory", unitName: "bytes", helpText: "Resident memory size in bytes."))
        openFiles = registry.makeGauge(descriptor: .init(namespace: "process", metricName: "open", unitName: "fds", helpText: "Number of open file descriptors."))
    }

    /// Reads the store and the process and sets the gauges.
    func refresh(from counts: StoreCounts) {
        storeBytes.set(Double(counts.fileSizeBytes))
        walBytes.set(Double(counts.walSizeBytes))
        readings.set(Double(counts.readings))
        recentReadings.set(Double(counts.recentReadings))
        series.set(Double(counts.series))
        quarantineRecords.set(Double(counts.quarantined))
        if let rss = Self.residentBytes() { residentMemory.set(Double(rss)) }
        if let fds = Self.openFileCount() { openFiles.set(Double(fds)) }
    }

    /// Resident set size from `/proc/self/statm` (second field, in pages).
    static func residentBytes() -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return nil }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return nil }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    /// Entries of `/proc/self/fd`, less the one the listing itself opens.
    static func openFileCount() -> Int? {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") else { return nil }
        return max(0, entries.count - 1)
    }
}
