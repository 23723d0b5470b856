/// One canonical measurement: a value in its metric's canonical unit, at an event time, from one
/// device. This is what every adapter produces and what the store, rules and forwarder consume.
///
/// The store assigns `seq` when it commits the reading; before that it is `nil`. The natural key
/// used for deduplication is (utility, site, device, metric, timestamp) — see `GatewayStore`.
public struct Reading: Sendable, Hashable {
    public var seq: Int64?
    public var utility: Utility
    public var site: String
    public var device: String
    public var metric: String
    public var value: Double
    /// The canonical unit symbol of `metric` (for example `kPa`, `m3/h`, `V`).
    public var unit: String
    /// Event time: when the device says it measured, UTC epoch milliseconds.
    public var timestamp: EpochMillis
    /// When the gateway received the message that carried it, UTC epoch milliseconds.
    public var receivedAt: EpochMillis
    public var quality: QualityFlags
    /// The MQTT topic of the message that carried it.
    public var topic: String

    public init(
        seq: Int64? = nil, utility: Utility, site: String, device: String, metric: String,
        value: Double, unit: String, timestamp: EpochMillis, receivedAt: EpochMillis,
        quality: QualityFlags = [], topic: String
    ) {
        self.seq = seq
        self.utility = utility
        self.site = site
        self.device = device
        self.metric = metric
        self.value = value
        self.unit = unit
        self.timestamp = timestamp
        self.receivedAt = receivedAt
        self.quality = quality
        self.topic = topic
    }
}

/// Facts about how a reading was obtained that a consumer may want to weigh.
///
/// Stored as an integer bit set; bits are never renumbered once shipped.
public struct QualityFlags: OptionSet, Sendable, Hashable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// The payload carried no timestamp, so the time of receipt stands in for the event time.
    /// Such readings cannot be deduplicated across a redelivery (see the README).
    public static let timestampFromReceipt = QualityFlags(rawValue: 1 << 0)
    /// The value was converted from the unit the device sent into the canonical unit.
    public static let unitConverted = QualityFlags(rawValue: 1 << 1)
}
