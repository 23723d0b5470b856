import GatewayCore

/// The alert evaluator: readings and operator actions in, alert events out (issue 5, DESIGN §4).
///
/// A value with no I/O and no clock of its own. Rule delays, windows, flatline and `no_data` run
/// on **event time** (the readings' timestamps; the engine keeps a watermark, the latest event time
/// seen); shelving and out-of-service expiries run on **wall time**, which the engine learns from
/// ``advance(eventTime:wallTime:)``, operator actions and the readings' `receivedAt`. The same
/// inputs in the same order always give the same events, and ``state`` is a `Codable` snapshot
/// from which ``init(configuration:state:)`` continues exactly where the snapshot was taken.
///
/// Semantics where the issue is silent:
/// - A series is known from its first reading: `no_data` cannot fire for a series never seen.
///   A `no_data` rule without `for` applies only to devices with an `expected_interval` attribute
///   (3 × it); on other devices it does not apply at all.
/// - `no_data` and `flatline` alerts have severity `warning`.
/// - Readings whose timestamp is older than the last one applied to the same series are skipped
///   by that series' rules (late data is stored but not re-judged). Non-finite values are skipped
///   by value conditions but count as data for `no_data`.
/// - The condition is held between readings (sample and hold): an on-delay or off-delay completes
///   when event time reaches its end, through a later reading of any series or through `advance`.
///   `flatline` needs readings spanning its period; `rate` is the change from the oldest reading
///   inside `(now − window, now]` to the newest, so a window with one reading has no change.
/// - When a previous episode is still `cleared_unack` and the condition returns, a new episode
///   (new id) starts; the old one waits for its acknowledgement.
/// - Shelving, like ISA-18.2's, applies to the alarm — the rule on that series — so an episode
///   that begins while the alarm is shelved is born shelved. Safety alerts cannot be shelved.
/// - Chattering shelving lasts `chatteringShelveMillis` of wall time from the latest wall time
///   the engine knows (a reading's `receivedAt` or the last `advance`).
/// - Flood counting counts every rule alert's activation (safety ones too); safety activations are
///   never marked `during_flood`. The flood alert is itself an alert operators acknowledge.
/// - First-out: a device's active `no_data` alert suppresses its other rule alerts, not other
///   `no_data` alerts (each of those is a first-out cause itself).
/// - Out of service: pending episodes of the device are cancelled, active ones are flagged and
///   may still clear; nothing new starts. Back in service, conditions that still hold start new
///   episodes at once, their on-delay counted from when the condition began.
public struct RuleEngine: Sendable {
    let configuration: RulesConfiguration
    /// Parallel arrays: the hot fields, and the definitions (ids, matches, risk).
    let rules: [CompiledRule]
    let definitions: [RuleDefinition]
    let settings: AlertingSettings

    var seriesIndex: [SeriesKey: Int] = [:]
    var series: [SeriesSlot] = []
    var trackers: [Tracker] = []
    var deviceIndex: [DeviceKey: Int] = [:]
    var devices: [DeviceSlot] = []
    var siteIndex: [String: Int] = [:]
    var sites: [SiteSlot] = []

    var alerts: [String: AlertRecord] = [:]
    /// Alert id → tracker, for rule alerts.
    var alertTracker: [String: Int] = [:]
    var nextAlertNumber = 1
    /// Latest event time seen (readings and `advance`).
    public internal(set) var watermark: EpochMillis?
    /// Latest wall time seen (`advance`, actions, readings' `receivedAt`).
    public internal(set) var wallTime: EpochMillis?
    /// Highest store sequence number evaluated: where a replay after a restart begins.
    public internal(set) var lastSeq: Int64?
    var timers = TimerHeap()
    /// Trackers that are shelved, in index order; devices out of service.
    var shelvedTrackers: [Int] = []
    var outOfServiceDevices: [Int] = []
    var nextWallDue: EpochMillis?
    /// The local broker link is down (a `broker_link_down` event, not yet followed by
    /// `broker_link_up`): every `no_data` is held until it returns.
    var brokerOutage: BrokerOutage?
    /// Event time at which the link last came back: a `no_data` period runs from there at the
    /// earliest, so that a device gets a whole period to report after an outage.
    var noDataResumedAt: EpochMillis?

    /// Events produced while restoring a snapshot (alerts of rules no longer configured are closed
    /// with `rule_removed`); the daemon appends them to the history before anything else.
    public internal(set) var restoreEvents: [AlertEvent] = []

    /// A fresh engine: no series known, no alerts.
    public init(configuration: RulesConfiguration) {
        self.configuration = configuration
        rules = configuration.rules.map(CompiledRule.init)
        definitions = configuration.rules
        settings = configuration.alerting
    }

    // MARK: queries

    /// Every current alert (not yet `cleared`), in id order.
    public var activeAlerts: [AlertRecord] {
        alerts.values.sorted { AlertID.precedes($0.id, $1.id) }
    }

    /// One current alert.
    public func alert(id: String) -> AlertRecord? { alerts[id] }

    /// Whether a site-level flood alert is active at `site`.
    public func isFlooding(site: String) -> Bool {
        guard let index = siteIndex[site] else { return false }
        return sites[index].floodAlertID != nil
    }

    /// The device's out-of-service period, if it is out of service.
    public func outOfService(_ device: DeviceKey) -> OutOfServicePeriod? {
        deviceIndex[device].flatMap { devices[$0].outOfService }
    }

    /// Every device out of service, by key.
    public var devicesOutOfService: [(DeviceKey, OutOfServicePeriod)] {
        outOfServiceDevices.compactMap { index in devices[index].outOfService.map { (devices[index].key, $0) } }
            .sorted { $0.0 < $1.0 }
    }

    /// The ids of the rules that watch a series, in configuration order; `nil` for a series the
    /// engine has not seen yet (series are resolved on their first reading).
    public func ruleIDs(utility: Utility, site: String, device: String, metric: String) -> [String]? {
        guard let index = seriesIndex[SeriesKey(utility: utility, site: site, device: device, metric: metric)] else {
            return nil
        }
        let slot = series[index]
        return (slot.firstTracker..<(slot.firstTracker + slot.trackerCount)).map {
            definitions[trackers[$0].ruleIndex].id
        }
    }
}

/// One known series and its trackers (contiguous in `trackers`).
struct SeriesSlot: Sendable {
    let key: SeriesKey
    /// The topic of the series' first reading: which route's attributes it has.
    let topic: String?
    let deviceIndex: Int
    let firstTracker: Int
    let trackerCount: Int
}

/// One known device: its trackers, service state, and how many of its `no_data` alerts are active.
struct DeviceSlot: Sendable {
    let key: DeviceKey
    var trackers: [Int] = []
    var outOfService: OutOfServicePeriod?
    var activeNoData = 0
}

/// One site: recent activations and its flood alert.
struct SiteSlot: Sendable {
    let name: String
    var activations = TimeWindow()
    var floodAlertID: String?
    var scheduledAt: EpochMillis?
}

extension RuleEngine {
    /// The series of a reading, resolving its rules on first sight (cached from then on).
    @inline(__always)
    mutating func seriesSlot(utility: Utility, site: String, device: String, metric: String, topic: String) -> Int {
        let key = SeriesKey(utility: utility, site: site, device: device, metric: metric)
        if let index = seriesIndex[key] { return index }
        return addSeries(key, topic: topic)
    }

    /// A new series: its attributes (from the route of its first reading's topic and the device
    /// registry) decide which rules apply, once.
    mutating func addSeries(_ key: SeriesKey, topic: String?) -> Int {
        let attributes = configuration.devices.attributes(
            utility: key.utility, site: key.site, device: key.device, topic: topic)
        let deviceSafety = (attributes[DeviceAttribute.safety]?.lowercased()).map { $0 == "true" || $0 == "yes" } ?? false
        let device = deviceSlot(DeviceKey(site: key.site, device: key.device))
        let site = siteSlot(key.site)
        let index = series.count
        let first = trackers.count
        for (ruleIndex, definition) in definitions.enumerated()
        where definition.match.matches(
            utility: key.utility, site: key.site, device: key.device, metric: key.metric, attributes: attributes)
        {
            let rule = rules[ruleIndex]
            var noDataMillis: Int64 = 0
            if case .noData(let configured) = rule.condition {
                guard let period = CompiledRule.noDataPeriod(configured, attributes: attributes) else { continue }
                noDataMillis = period
            }
            devices[device].trackers.append(trackers.count)
            trackers.append(
                Tracker(
                    ruleIndex: ruleIndex, seriesIndex: index, deviceIndex: device, siteIndex: site,
                    safety: definition.safety || deviceSafety, isNoData: rule.isNoData,
                    noDataMillis: noDataMillis, scheduledAt: nil, s: TrackerState()))
        }
        series.append(SeriesSlot(
            key: key, topic: topic, deviceIndex: device, firstTracker: first, trackerCount: trackers.count - first))
        seriesIndex[key] = index
        return index
    }

    mutating func deviceSlot(_ key: DeviceKey) -> Int {
        if let index = deviceIndex[key] { return index }
        devices.append(DeviceSlot(key: key))
        deviceIndex[key] = devices.count - 1
        return devices.count - 1
    }

    mutating func siteSlot(_ name: String) -> Int {
        if let index = siteIndex[name] { return index }
        sites.append(SiteSlot(name: name))
        siteIndex[name] = sites.count - 1
        return sites.count - 1
    }

    mutating func newAlertID() -> String {
        defer { nextAlertNumber += 1 }
        return AlertID.make(nextAlertNumber)
    }
}
