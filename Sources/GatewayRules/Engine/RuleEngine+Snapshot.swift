import GatewayCore

/// The whole state of a ``RuleEngine`` as a `Codable` value: the daemon writes it to SQLite every
/// few batches (with ``lastSeq``, the last reading it covers) and replays the readings after it on
/// start-up, so nothing fires twice and nothing pending is forgotten.
///
/// Contents: the alert id counter, the event-time and wall-time watermarks, every current alert,
/// and per series the memory of each rule (levels held, rate window, flatline run, last reading,
/// on/off-delay start, shelving, recent activations), per device its out-of-service period, per
/// site its recent activations and flood alert. Timers are not stored: they follow from the rest.
public struct RuleEngineState: Sendable, Hashable, Codable {
    /// Format version of this snapshot.
    public var version: Int
    public var nextAlertNumber: Int
    public var watermark: EpochMillis?
    public var wallTime: EpochMillis?
    public var lastSeq: Int64?
    /// Every current alert, in id order.
    public var alerts: [AlertRecord]
    /// Per series the memory of its rules. Empty in a snapshot written in chunks
    /// (`seriesChunks`), whose series are stored beside it.
    public var series: [SeriesState]
    /// How many chunks of series were written beside this header (see ``RuleEngine/seriesStates(_:)``);
    /// `nil` when the series are inline.
    public var seriesChunks: Int?
    var outOfService: [DeviceOutOfService]
    var sites: [SiteState]
    /// The local broker link was down when the snapshot was taken (absent in older snapshots, and
    /// while the link is up): after a restart `no_data` stays held until the first connection.
    var brokerOutage: BrokerOutage?
    /// Event time the link last came back (see ``RuleEngine``); absent in older snapshots.
    var noDataResumedAt: EpochMillis?

    /// One series' entry: its key, route and each rule's memory.
    public struct SeriesState: Sendable, Hashable, Codable {
        var key: SeriesKey
        /// The topic of the series' first reading (its route's attributes); absent in snapshots
        /// written before routes had attributes.
        var topic: String?
        var rules: [RuleState]
    }

    struct RuleState: Sendable, Hashable, Codable {
        var ruleID: String
        var state: TrackerState
    }

    struct DeviceOutOfService: Sendable, Hashable, Codable {
        var device: DeviceKey
        var period: OutOfServicePeriod
    }

    struct SiteState: Sendable, Hashable, Codable {
        var site: String
        var activations: TimeWindow
        var floodAlertID: String?
    }
}

extension RuleEngine {
    /// A snapshot of everything needed to continue later (see ``RuleEngineState``).
    public var state: RuleEngineState {
        var state = stateWithoutSeries
        state.series = seriesStates(0..<seriesCount)
        return state
    }

    /// The snapshot without its series, which a caller writes in chunks (``seriesStates(_:)``): at
    /// 10,000 devices the series are ~20 MB of JSON, and encoding them as one value built a boxed
    /// tree of the whole fleet (over 200 MB at its peak) once every 30 s.
    public var stateWithoutSeries: RuleEngineState {
        RuleEngineState(
            version: 1, nextAlertNumber: nextAlertNumber, watermark: watermark, wallTime: wallTime, lastSeq: lastSeq,
            alerts: activeAlerts, series: [],
            outOfService: devicesOutOfService.map { RuleEngineState.DeviceOutOfService(device: $0.0, period: $0.1) },
            sites: sites.map { RuleEngineState.SiteState(site: $0.name, activations: $0.activations, floodAlertID: $0.floodAlertID) },
            brokerOutage: brokerOutage, noDataResumedAt: noDataResumedAt)
    }

    /// How many series the engine knows.
    public var seriesCount: Int { series.count }

    /// The snapshot entries of the series in `range` (positions in the order the engine first saw
    /// them, `0..<seriesCount`).
    public func seriesStates(_ range: Range<Int>) -> [RuleEngineState.SeriesState] {
        series[range].map { slot in
            RuleEngineState.SeriesState(
                key: slot.key, topic: slot.topic,
                rules: (slot.firstTracker..<(slot.firstTracker + slot.trackerCount)).map {
                    RuleEngineState.RuleState(ruleID: definitions[trackers[$0].ruleIndex].id, state: trackers[$0].s)
                })
        }
    }

    /// Continues from a snapshot under a (possibly changed) configuration. Rules no longer
    /// configured, or no longer matching a series, drop their memory, and their current alerts are
    /// closed with `rule_removed` events (in ``restoreEvents``); new rules start clean.
    public init(configuration: RulesConfiguration, state: RuleEngineState) {
        self.init(configuration: configuration)
        nextAlertNumber = state.nextAlertNumber
        watermark = state.watermark
        wallTime = state.wallTime
        lastSeq = state.lastSeq
        brokerOutage = state.brokerOutage
        noDataResumedAt = state.noDataResumedAt
        for record in state.alerts { alerts[record.id] = record }
        for site in state.sites {
            let index = siteSlot(site.site)
            sites[index].activations = site.activations
            sites[index].floodAlertID = site.floodAlertID.flatMap { alerts[$0] == nil ? nil : $0 }
        }
        for entry in state.outOfService {
            let index = deviceSlot(entry.device)
            devices[index].outOfService = entry.period
            outOfServiceDevices.append(index)
        }
        var kept = Set<String>()
        for saved in state.series {
            let slot = addSeries(saved.key, topic: saved.topic)
            let first = series[slot].firstTracker
            for index in first..<(first + series[slot].trackerCount) {
                let ruleID = definitions[trackers[index].ruleIndex].id
                guard let memory = saved.rules.first(where: { $0.ruleID == ruleID }) else { continue }
                trackers[index].s = memory.state
                trackers[index].s.alertIDs.removeAll { alerts[$0] == nil }
                if let id = trackers[index].s.currentAlertID, alerts[id] == nil { trackers[index].s.currentAlertID = nil }
                for id in trackers[index].s.alertIDs {
                    alertTracker[id] = index
                    kept.insert(id)
                }
                if trackers[index].s.shelvedUntil != nil { shelvedTrackers.append(index) }
                if trackers[index].isNoData, let id = trackers[index].s.currentAlertID, alerts[id]?.state.isActive == true {
                    devices[trackers[index].deviceIndex].activeNoData += 1
                }
            }
        }
        // Alerts whose rule memory is gone can never clear: close them now.
        let time = watermark ?? wallTime ?? 0
        // The engine's own alerts (data gap, flood, overdue tickets) have no rule to lose.
        for record in activeAlerts where !kept.contains(record.id) && !GatewayRuleID.isEngineOwned(record.ruleID) {
            restoreEvents.append(
                record.event(
                    kind: .ruleRemoved, previousState: record.state, time: time,
                    note: "rule \(record.ruleID) no longer applies to this series"))
            alerts[record.id] = nil
        }
        recomputeWallDue()
        for index in trackers.indices { schedule(index) }
        for index in sites.indices { scheduleSite(index) }
    }
}
