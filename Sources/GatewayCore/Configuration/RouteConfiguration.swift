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
    /// Where the event time is; `nil` means the format's own timestamp (a line protocol or SenML
    /// time), or else the time of receipt.
    public var timestamp: TimestampMapping?
    public var metrics: [MetricMapping]
    /// The format sub-maps of the route (`json:`, `xml:`, `csv:`, `senml:`, `influx:`) by format
    /// name, for the adapters. Only the route's own format may have one, except with `auto`, which
    /// hands each sniffed format its own.
    public var formatOptions: [String: OptionValue]
    /// How far an event time may be ahead of the time of receipt. Default 5 minutes.
    public var maxFutureSkewSeconds: Double
    /// How far an event time may be behind the time of receipt. Default 7 days.
    public var maxAgeSeconds: Double
    /// Device attributes for every device whose messages this route takes (`attributes:`); a
    /// `devices:` entry overrides them (see ``DeviceRegistry``).
    public var attributes: [String: String]

    public init(
        id: String, topic: String, qos: Int = 1, format: String = "json", utility: FieldTemplate,
        site: FieldTemplate, device: FieldTemplate, timestamp: TimestampMapping? = nil, metrics: [MetricMapping],
        formatOptions: [String: OptionValue] = [:], maxFutureSkewSeconds: Double = 300, maxAgeSeconds: Double = 7 * 86_400,
        attributes: [String: String] = [:]
    ) {
        self.attributes = attributes
        self.id = id
        self.topic = topic
        self.qos = qos
        self.format = format
        self.utility = utility
        self.site = site
        self.device = device
        self.timestamp = timestamp
        self.metrics = metrics
        self.formatOptions = formatOptions
        self.maxFutureSkewSeconds = maxFutureSkewSeconds
        self.maxAgeSeconds = maxAgeSeconds
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
    /// For `datetime`: the zone the device's clock shows.
    public var timeZone: TimestampZone?

    public init(path: String, format: TimestampFormat, timeZone: TimestampZone? = nil) {
        self.path = path
        self.format = format
        self.timeZone = timeZone
    }
}

/// How a payload writes its event time.
public enum TimestampFormat: String, Sendable, Hashable, CaseIterable {
    case epochSeconds = "epoch_s"
    case epochMillis = "epoch_ms"
    case rfc3339
    /// `2026-11-27 07:45:00[.fff]` (or with `T`), no offset: the local time of `time_zone`, as
    /// data loggers and SCADA exports write it (Campbell TOA5, for one).
    case localDateTime = "datetime"
}

/// `{ name: pressure, path: pressure, unit: kPa }`: where one metric's value is and in which unit
/// the device sends it. The gateway converts it into the metric's canonical unit.
public struct MetricMapping: Sendable, Hashable {
    public var name: String
    public var path: String
    /// The unit the device sends. `nil` when the unit comes from the payload: from `unitPath`, or
    /// from the format itself (a SenML record's `u`).
    public var unit: String?
    /// Where the payload says the unit of this value.
    public var unitPath: String?
    /// For absolute-pressure units (`kPa_abs`, `bar_abs`, `psia`): the atmospheric pressure in kPa
    /// subtracted to give the gauge pressure that every pressure is stored as. Without it such a
    /// unit is refused.
    public var atmosphericPressureKPa: Double?
    /// For `%vol` of a combustible gas stored as `gas_leak` in %LEL: the gas's lower explosive
    /// limit in %vol. Default 5.0 (methane, as in the GB sources; IEC 60079-20-1 gives 4.4).
    public var lowerExplosiveLimitPercentVol: Double?

    public init(
        name: String, path: String, unit: String? = nil, unitPath: String? = nil,
        atmosphericPressureKPa: Double? = nil, lowerExplosiveLimitPercentVol: Double? = nil
    ) {
        self.name = name
        self.path = path
        self.unit = unit
        self.unitPath = unitPath
        self.atmosphericPressureKPa = atmosphericPressureKPa
        self.lowerExplosiveLimitPercentVol = lowerExplosiveLimitPercentVol
    }
}
