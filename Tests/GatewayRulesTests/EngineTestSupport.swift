import GatewayCore
import GatewayRules
import Testing

/// Seconds and minutes as event-time milliseconds.
func sec(_ seconds: Int64) -> EpochMillis { seconds * 1000 }
func mins(_ minutes: Int64) -> EpochMillis { minutes * 60_000 }

/// A wall clock far from event time, so a mix-up between the two shows.
let wall0: EpochMillis = 1_800_000_000_000

func testRule(
    _ condition: RuleCondition, id: String = "r", metric: String = "pressure", device: String = "*",
    deadband: Double = 0, on: EpochMillis = 0, off: EpochMillis = 0, safety: Bool = false,
    ticket: TicketPolicy? = nil, attributes: [String: String] = [:]
) -> RuleDefinition {
    RuleDefinition(
        id: id, match: RuleMatch(utility: .water, device: Glob(device), metric: Glob(metric), attributes: attributes),
        condition: condition, deadband: deadband, onDelayMillis: on, offDelayMillis: off, ticket: ticket, safety: safety)
}

func reading(
    _ value: Double, at time: EpochMillis, device: String = "d1", metric: String = "pressure", site: String = "s1",
    seq: Int64? = nil
) -> Reading {
    Reading(
        seq: seq, utility: .water, site: site, device: device, metric: metric, value: value, unit: "kPa",
        timestamp: time, receivedAt: wall0 + time, topic: "t")
}

/// An engine plus the history it produced, for scenario tests.
struct Scenario {
    var engine: RuleEngine
    var history: [AlertEvent] = []

    init(_ rules: [RuleDefinition], devices: DeviceRegistry = DeviceRegistry(), alerting: AlertingSettings = AlertingSettings()) {
        engine = RuleEngine(configuration: RulesConfiguration(devices: devices, rules: rules, alerting: alerting))
    }

    @discardableResult
    mutating func feed(
        _ value: Double, at time: EpochMillis, device: String = "d1", metric: String = "pressure", site: String = "s1"
    ) -> [AlertEvent] {
        record(engine.evaluate(reading(value, at: time, device: device, metric: metric, site: site)))
    }

    @discardableResult
    mutating func advance(to time: EpochMillis, wall: EpochMillis? = nil) -> [AlertEvent] {
        record(engine.advance(eventTime: time, wallTime: wall ?? wall0 + time))
    }

    @discardableResult
    mutating func record(_ events: [AlertEvent]) -> [AlertEvent] {
        history += events
        return events
    }

    /// The history rebuilds exactly the engine's current alerts.
    func checkRebuild(sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(AlertRecord.rebuild(from: history) == engine.activeAlerts, sourceLocation: sourceLocation)
    }
}

extension [AlertEvent] {
    var kinds: [AlertEventKind] { map(\.kind) }
    var states: [AlertState] { map(\.state) }
}
