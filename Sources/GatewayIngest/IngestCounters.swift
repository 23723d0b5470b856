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

    public init() {}

    /// A consistent-enough copy for printing.
    public var snapshot: [String: Int] {
        [
            "messages_received": messagesReceived.load(ordering: .relaxed),
            "readings_stored": readingsStored.load(ordering: .relaxed),
            "duplicates_skipped": duplicatesSkipped.load(ordering: .relaxed),
            "quarantined": quarantined.load(ordering: .relaxed),
            "batches_committed": batchesCommitted.load(ordering: .relaxed),
            "commit_failures": commitFailures.load(ordering: .relaxed),
        ]
    }
}
