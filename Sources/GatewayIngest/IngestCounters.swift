import GatewayCore
import Synchronization

/// Running totals of the ingest path, readable from any thread (the status API and the metrics
/// endpoint read them; the ingest loop writes them).
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

    /// Quarantined parts by route and reason code (`"-"` when no route matched).
    private let quarantinedBy = Mutex<[QuarantineKey: Int]>([:])

    /// A (route, reason) pair of the quarantine counts.
    public struct QuarantineKey: Hashable, Sendable {
        public var route: String
        public var reason: QuarantineReason

        public init(route: String, reason: QuarantineReason) {
            self.route = route
            self.reason = reason
        }
    }

    public init() {}

    /// Counts quarantine records by route and reason.
    public func countQuarantine(_ records: [QuarantineRecord]) {
        guard !records.isEmpty else { return }
        quarantinedBy.withLock { counts in
            for record in records {
                counts[QuarantineKey(route: record.route ?? "-", reason: record.reason), default: 0] += 1
            }
        }
    }

    /// The quarantine counts by route and reason since start.
    public var quarantineCounts: [QuarantineKey: Int] {
        quarantinedBy.withLock { $0 }
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
