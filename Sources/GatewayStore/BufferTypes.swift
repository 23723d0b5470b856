import GatewayCore

/// What the buffer policy enforces (from the configuration's `buffer:` section).
public struct BufferPolicy: Sendable, Hashable {
    /// Keep the database's used size (pages in use × page size) under this.
    public var maxBytes: Int64
    public var retentionMillis: Int64
    /// `true`: delete the oldest readings when full; `false`: delete nothing (ingest pauses instead).
    public var dropOldestWhenFull: Bool
    /// Whether an uplink forwards readings (then retention waits for their acknowledgement).
    public var forwarding: Bool

    public init(maxBytes: Int64, retentionMillis: Int64, dropOldestWhenFull: Bool, forwarding: Bool) {
        self.maxBytes = maxBytes
        self.retentionMillis = retentionMillis
        self.dropOldestWhenFull = dropOldestWhenFull
        self.forwarding = forwarding
    }
}

/// The policy's totals since the store was created (`buffer_counters`).
public struct BufferTotals: Sendable, Hashable {
    public var retentionDeleted = 0
    /// Readings deleted because the store was full.
    public var dropped = 0
    /// Of `dropped`, those the uplink had not forwarded: lost for the central side (always 0 without
    /// an uplink).
    public var droppedUnforwarded = 0

    public init(retentionDeleted: Int = 0, dropped: Int = 0, droppedUnforwarded: Int = 0) {
        self.retentionDeleted = retentionDeleted
        self.dropped = dropped
        self.droppedUnforwarded = droppedUnforwarded
    }
}

/// The outcome of one `BufferKeeper.enforce` pass.
public struct BufferPass: Sendable, Hashable {
    /// What this pass deleted.
    public var deleted = BufferTotals()
    /// The used size after the pass.
    public var usedBytes: Int64 = 0
    /// The largest used size the pass saw: before it dropped readings to make room, else
    /// `usedBytes`. The high-water condition follows this, so that a pass that had to drop always
    /// reports the buffer at its high-water mark, even when one chunk of old rows took it below
    /// (a small store, or a chunk that overshoots the 90 % target).
    public var peakUsedBytes: Int64 = 0
    /// Still above `maxBytes` after the pass (nothing left to drop, or dropping is not the policy).
    public var full = false
    /// How far the retention cutoff stayed behind `now - retention` because the wall clock moved
    /// faster than real time (a clock step); 0 normally. See `RetentionClockGuard`.
    public var retentionHeldBackMillis: Int64 = 0
    /// The retention cutoff of this pass was saved (or unchanged); false when the write failed.
    public var cutoffSaved = true

    public init(deleted: BufferTotals = BufferTotals(), usedBytes: Int64 = 0, full: Bool = false) {
        self.deleted = deleted
        self.usedBytes = usedBytes
        self.full = full
    }
}
