/// `buffer:` — how much the gateway keeps locally and what it gives up first when space runs out.
///
/// Alerts, tickets and their histories are never evicted by this policy; only readings are.
public struct BufferSettings: Sendable, Hashable {
    /// The database size the gateway keeps itself under. Default 2 GiB.
    public var maxBytes: Int64
    /// Readings older than this (by event time) are deleted once forwarded — or at once when no uplink
    /// is configured, since then nothing waits to be forwarded. Default 30 days.
    public var retentionSeconds: Double
    public var whenFull: WhenFull

    public init(maxBytes: Int64 = 2 * 1024 * 1024 * 1024, retentionSeconds: Double = 30 * 86_400, whenFull: WhenFull = .dropOldestReadings) {
        self.maxBytes = maxBytes
        self.retentionSeconds = retentionSeconds
        self.whenFull = whenFull
    }

    /// What happens when the store reaches `maxBytes`.
    public enum WhenFull: String, Sendable, Hashable, CaseIterable {
        /// Delete the oldest readings (forwarded or not), counting each one.
        case dropOldestReadings = "drop_oldest_readings"
        /// Stop reading from the local broker; its persistent session queues for us, within its limits.
        case pauseIngest = "pause_ingest"
    }
}
