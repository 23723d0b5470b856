import GatewayCore

/// Everything one pass of the ingest loop wants stored, committed in ONE transaction: the readings
/// decoded from a batch of MQTT messages, the parts that could not be decoded, and the gateway's own
/// events. The loop acknowledges the batch's messages only after `ReadingStore.commit` returned.
public struct IngestBatch: Sendable {
    public var readings: [Reading]
    public var quarantined: [QuarantineRecord]
    public var events: [GatewayEvent]

    public init(readings: [Reading] = [], quarantined: [QuarantineRecord] = [], events: [GatewayEvent] = []) {
        self.readings = readings
        self.quarantined = quarantined
        self.events = events
    }

    /// Whether there is nothing to store.
    public var isEmpty: Bool { readings.isEmpty && quarantined.isEmpty && events.isEmpty }
}

/// What one commit did, for the ingest loop's counters.
public struct CommitResult: Sendable, Equatable {
    /// Readings inserted (each got a new `seq`).
    public var stored: Int
    /// Readings whose natural key (utility, site, device, metric, timestamp) was already stored —
    /// redeliveries after a crash, or duplicates inside the batch. The first copy wins.
    public var duplicates: Int
    /// Quarantine records written: the batch's own, plus readings the store itself refused (a
    /// non-finite value, or a unit that differs from the unit already stored for the series).
    public var quarantined: Int
    /// Gateway events written.
    public var events: Int
    /// The readings this commit stored, with their seqs — only when the commit was asked for them
    /// (`returningReadings`), so that the stages after the store can take them from memory instead
    /// of reading back what was just written.
    public var committed: CommittedReadings?

    public init(
        stored: Int = 0, duplicates: Int = 0, quarantined: Int = 0, events: Int = 0, committed: CommittedReadings? = nil
    ) {
        self.stored = stored
        self.duplicates = duplicates
        self.quarantined = quarantined
        self.events = events
        self.committed = committed
    }
}

/// The readings of one commit, in store order: exactly the readings with a seq in
/// (`afterSeq`, `throughSeq`], so a consumer whose cursor is at `afterSeq` may take them instead
/// of querying the store, and move its cursor to `throughSeq`; a consumer whose cursor is
/// elsewhere must read the store.
///
/// Seqs need not be consecutive: an insert skipped as a duplicate still uses up a seq
/// (AUTOINCREMENT), which is why `throughSeq` is the store's, not the last reading's.
public struct CommittedReadings: Sendable, Equatable {
    /// The store's highest seq before this commit.
    public var afterSeq: Int64
    /// The store's highest seq after it.
    public var throughSeq: Int64
    /// The stored readings, each with its `seq`, ascending.
    public var readings: [Reading]

    public init(afterSeq: Int64, throughSeq: Int64, readings: [Reading]) {
        self.afterSeq = afterSeq
        self.throughSeq = throughSeq
        self.readings = readings
    }

    /// This commit followed by `next`, when `next` continues it (else `nil`: there was a gap, and a
    /// consumer must read the store).
    public func followed(by next: CommittedReadings) -> CommittedReadings? {
        var joined = self
        return joined.append(next) ? joined : nil
    }

    /// Appends `next` in place when it continues this commit; returns whether it did (a gap is
    /// never papered over).
    public mutating func append(_ next: CommittedReadings) -> Bool {
        guard next.afterSeq == throughSeq else { return false }
        throughSeq = next.throughSeq
        readings.append(contentsOf: next.readings)
        return true
    }
}
