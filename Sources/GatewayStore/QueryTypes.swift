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
    /// Only readings that come after this position in the newest-first order (the next page).
    public var after: ReadingCursor?

    public init(
        utility: Utility? = nil, site: String? = nil, device: String? = nil, metric: String? = nil,
        since: EpochMillis? = nil, until: EpochMillis? = nil, limit: Int = 100, after: ReadingCursor? = nil
    ) {
        self.after = after
        self.utility = utility
        self.site = site
        self.device = device
        self.metric = metric
        self.since = since
        self.until = until
        self.limit = limit
    }
}

/// A position in the newest-first order of readings: the (timestamp, seq) of the last reading of
/// a page. Stable under concurrent ingest: new readings never shift a later page, because the order
/// is by the readings' own keys, not by an offset.
public struct ReadingCursor: Sendable, Hashable {
    public var timestamp: EpochMillis
    public var seq: Int64

    public init(timestamp: EpochMillis, seq: Int64) {
        self.timestamp = timestamp
        self.seq = seq
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
    /// Only records with a smaller id than this (the next page of a newest-first listing).
    public var beforeID: Int64?

    public init(
        reason: QuarantineReason? = nil, route: String? = nil, topic: String? = nil, since: EpochMillis? = nil,
        until: EpochMillis? = nil, limit: Int = 100, beforeID: Int64? = nil
    ) {
        self.beforeID = beforeID
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
    /// Event time of the oldest and the newest stored reading; `nil` when the store has none.
    public var oldestTimestamp: EpochMillis?
    public var newestTimestamp: EpochMillis?

    public init(
        readings: Int, recentReadings: Int, mainReadings: Int, series: Int, quarantined: Int, events: Int,
        lastSeq: Int64, fileSizeBytes: Int64, walSizeBytes: Int64, oldestTimestamp: EpochMillis? = nil,
        newestTimestamp: EpochMillis? = nil
    ) {
        self.oldestTimestamp = oldestTimestamp
        self.newestTimestamp = newestTimestamp
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

/// The recent course of one series, averaged into time buckets, for sparklines.
public struct SeriesTrend: Sendable, Hashable {
    public var utility: Utility
    public var site: String
    public var device: String
    public var metric: String
    public var unit: String
    /// Bucket start time and the mean value of the bucket, oldest first; buckets without readings
    /// are absent (a gap in the line, not a zero).
    public var points: [TrendPoint]
    /// The newest reading of the series in the window.
    public var latest: TrendPoint

    public init(
        utility: Utility, site: String, device: String, metric: String, unit: String, points: [TrendPoint],
        latest: TrendPoint
    ) {
        self.utility = utility
        self.site = site
        self.device = device
        self.metric = metric
        self.unit = unit
        self.points = points
        self.latest = latest
    }
}

/// One point of a ``SeriesTrend``.
public struct TrendPoint: Sendable, Hashable {
    public var timestamp: EpochMillis
    public var value: Double

    public init(timestamp: EpochMillis, value: Double) {
        self.timestamp = timestamp
        self.value = value
    }
}
