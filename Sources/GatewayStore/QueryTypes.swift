import GatewayCore

/// Which readings an operator query wants. Every criterion is optional and they combine with AND;
/// results come newest first (by timestamp, then seq) and stop at `limit`, because what operators
/// ask for is "the last N" or "the last 24 hours".
public struct ReadingFilter: Sendable, Hashable {
    public var utility: Utility?
    public var site: String?
    public var device: String?
    public var metric: String?
    /// Inclusive lower bound on the reading's timestamp (event time).
    public var since: EpochMillis?
    /// Exclusive upper bound on the reading's timestamp (event time).
    public var until: EpochMillis?
    /// At most this many readings (the newest). Must be ≥ 1.
    public var limit: Int

    public init(
        utility: Utility? = nil, site: String? = nil, device: String? = nil, metric: String? = nil,
        since: EpochMillis? = nil, until: EpochMillis? = nil, limit: Int = 100
    ) {
        self.utility = utility
        self.site = site
        self.device = device
        self.metric = metric
        self.since = since
        self.until = until
        self.limit = limit
    }
}

/// Which quarantine records an operator query wants; newest first, at most `limit`.
public struct QuarantineFilter: Sendable, Hashable {
    public var reason: QuarantineReason?
    /// Exact route id.
    public var route: String?
    /// Exact topic.
    public var topic: String?
    /// Inclusive lower bound on the time of receipt.
    public var since: EpochMillis?
    /// Exclusive upper bound on the time of receipt.
    public var until: EpochMillis?
    public var limit: Int

    public init(
        reason: QuarantineReason? = nil, route: String? = nil, topic: String? = nil, since: EpochMillis? = nil,
        until: EpochMillis? = nil, limit: Int = 100
    ) {
        self.reason = reason
        self.route = route
        self.topic = topic
        self.since = since
        self.until = until
        self.limit = limit
    }
}

/// A quarantine record as stored, with the id the store gave it.
public struct StoredQuarantineRecord: Sendable, Hashable {
    /// Increases with every record; never reused.
    public var id: Int64
    public var record: QuarantineRecord

    public init(id: Int64, record: QuarantineRecord) {
        self.id = id
        self.record = record
    }
}

/// A gateway event as stored, with the id the store gave it.
public struct StoredGatewayEvent: Sendable, Hashable {
    /// Increases with every event; never reused.
    public var id: Int64
    public var event: GatewayEvent

    public init(id: Int64, event: GatewayEvent) {
        self.id = id
        self.event = event
    }
}

/// One line of the readings summary: what is stored for one utility and metric (and unit).
public struct ReadingSummaryRow: Sendable, Hashable {
    public var utility: Utility
    public var metric: String
    public var unit: String
    public var count: Int
    /// The number of distinct (site, device) pairs with this metric.
    public var devices: Int
    public var firstTimestamp: EpochMillis
    public var lastTimestamp: EpochMillis
    public var minValue: Double
    public var maxValue: Double
    public var meanValue: Double

    public init(
        utility: Utility, metric: String, unit: String, count: Int, devices: Int,
        firstTimestamp: EpochMillis, lastTimestamp: EpochMillis, minValue: Double, maxValue: Double,
        meanValue: Double
    ) {
        self.utility = utility
        self.metric = metric
        self.unit = unit
        self.count = count
        self.devices = devices
        self.firstTimestamp = firstTimestamp
        self.lastTimestamp = lastTimestamp
        self.minValue = minValue
        self.maxValue = maxValue
        self.meanValue = meanValue
    }
}

/// How much the store holds, for `status` commands and the metrics endpoint.
public struct StoreCounts: Sendable, Hashable {
    /// All readings, both tiers.
    public var readings: Int
    /// Readings in the hot tier (`readings_recent`), not merged yet.
    public var recentReadings: Int
    /// Readings in the main tier (`readings`).
    public var mainReadings: Int
    /// Distinct (utility, site, device, metric) series.
    public var series: Int
    public var quarantined: Int
    public var events: Int
    /// The highest seq handed out so far (0 when none), whichever tier holds it.
    public var lastSeq: Int64
    /// Size of the database file in bytes.
    public var fileSizeBytes: Int64
    /// Size of the write-ahead log (`-wal` file) in bytes; 0 when there is none.
    public var walSizeBytes: Int64

    public init(
        readings: Int, recentReadings: Int, mainReadings: Int, series: Int, quarantined: Int, events: Int,
        lastSeq: Int64, fileSizeBytes: Int64, walSizeBytes: Int64
    ) {
        self.readings = readings
        self.recentReadings = recentReadings
        self.mainReadings = mainReadings
        self.series = series
        self.quarantined = quarantined
        self.events = events
        self.lastSeq = lastSeq
        self.fileSizeBytes = fileSizeBytes
        self.walSizeBytes = walSizeBytes
    }
}
