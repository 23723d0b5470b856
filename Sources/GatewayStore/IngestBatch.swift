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

    public init(stored: Int = 0, duplicates: Int = 0, quarantined: Int = 0, events: Int = 0) {
        self.stored = stored
        self.duplicates = duplicates
        self.quarantined = quarantined
        self.events = events
    }
}
