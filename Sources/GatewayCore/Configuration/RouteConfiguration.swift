/// One entry of `routes:`: which messages it takes (a topic filter), how their payload is read
/// (format and paths), and who the readings belong to (templates). Validated once at start-up.
public struct RouteConfiguration: Sendable, Hashable {
    /// A name for errors, metrics and quarantine records; `id:` in YAML, default `route-<index>`.
    public var id: String
    /// The subscription filter, possibly a shared subscription `$share/<group>/<filter>`.
    public var topic: String
    public var qos: Int
    /// The payload format: `json` in this version.
    public var format: String
    public var utility: FieldTemplate
    public var site: FieldTemplate
    public var device: FieldTemplate
    /// Where the event time is; `nil` means the time of receipt.
    public var timestamp: TimestampMapping?
    public var metrics: [MetricMapping]

    public init(
        id: String, topic: String, qos: Int = 1, format: String = "json", utility: FieldTemplate,
        site: FieldTemplate, device: FieldTemplate, timestamp: TimestampMapping? = nil, metrics: [MetricMapping]
    ) {
        self.id = id
        self.topic = topic
        self.qos = qos
        self.format = format
        self.utility = utility
        self.site = site
        self.device = device
        self.timestamp = timestamp
        self.metrics = metrics
    }

    /// The topic filter without a `$share/<group>/` prefix: what a message's topic is matched against.
    public var matchFilter: String {
        TopicFilter.stripSharePrefix(topic)
    }
}

/// `timestamp: { path: ts, format: epoch_ms }`.
public struct TimestampMapping: Sendable, Hashable {
    public var path: String
    public var format: TimestampFormat

    public init(path: String, format: TimestampFormat) {
        self.path = path
        self.format = format
    }
}

/// How a payload writes its event time.
public enum TimestampFormat: String, Sendable, Hashable, CaseIterable {
    case epochSeconds = "epoch_s"
    case epochMillis = "epoch_ms"
    case rfc3339
}

/// `{ name: pressure, path: pressure, unit: kPa }`: where one metric's value is and in which unit
/// the device sends it. The gateway converts it into the metric's canonical unit.
public struct MetricMapping: Sendable, Hashable {
    public var name: String
    public var path: String
    public var unit: String

    public init(name: String, path: String, unit: String) {
        self.name = name
        self.path = path
        self.unit = unit
    }
}
