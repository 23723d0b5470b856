import GatewayCore

/// A scenario file, decoded and checked: simulated field devices, what happens to them and when,
/// and what the gateway must (and must not) do about it.
///
/// Times inside a scenario are offsets from its simulated start, in milliseconds. Where that start
/// lies on the calendar is decided by the runner (the run is backdated so that it ends at the wall
/// clock's now); nothing in the scenario depends on it, which is what makes a run deterministic for
/// a seed. The daily demand profile therefore follows the scenario's own `start_hour`, not the
/// hour of the day the run happens at.
struct Scenario: Sendable {
    var name: String
    var description: String?
    /// The file it was read from, for messages.
    var file: String
    var durationMillis: Int64
    /// `speed:` in the file: how much faster than real time a run goes unless `--speed` says otherwise.
    var speed: Double
    var seed: UInt64
    /// Hour of the day (0 ..< 24) at simulated time 0, for daily demand profiles.
    var startHour: Double
    var devices: [ScenarioDevice]
    var events: [ScenarioEvent]
    var expectations: Expectations

    /// Whether some event needs control of the broker (`--broker-restart-cmd`).
    var needsBrokerControl: Bool {
        events.contains { if case .brokerRestart = $0.kind { true } else { false } }
    }

    /// The `uplink_outage` events: each needs `--uplink-stop-cmd` and `--uplink-start-cmd`.
    var uplinkOutages: [ScenarioEvent] {
        events.filter { if case .uplinkOutage = $0.kind { true } else { false } }
    }
}

/// The payload formats of the adapter layer that a simulated device can publish in.
enum PayloadFormat: String, Sendable, CaseIterable {
    case json, xml, csv, senml, influx
}

/// One simulated device: who it is, how and where it publishes, and the signal of each metric.
struct ScenarioDevice: Sendable {
    var id: String
    var utility: Utility
    var site: String
    var format: PayloadFormat
    var topic: String
    var intervalMillis: Int64
    var qos: Int
    var metrics: [MetricSignal]
}

/// How one metric's value evolves without events, in the metric's canonical unit.
///
/// value(t) = baseline × (1 + daily(t)) + drift_per_hour × hours(t) + gaussian noise, clamped to
/// [min, max]; printed with `decimals` decimals (a stuck sensor repeats the printed value exactly).
struct MetricSignal: Sendable {
    var name: String
    var baseline: Double
    var noise: Double
    var daily: DailyProfile?
    var driftPerHour: Double
    var minimum: Double?
    var maximum: Double?
    var decimals: Int
}

/// A daily demand profile: a relative change of the baseline by hour of day.
enum DailyProfile: Sendable {
    /// A smooth curve: 0 at 06:00 and 18:00, `+amplitude` at 12:00, `-amplitude` at 00:00 (so
    /// pressure, which falls when demand rises, takes a negative amplitude).
    case amplitude(Double)
    /// 24 relative changes, one per hour from 00:00, interpolated linearly between hours.
    case hourly([Double])
}

/// A timed event: what happens to which devices, from `at` for `for` (to the end when absent).
struct ScenarioEvent: Sendable {
    enum Kind: Sendable {
        /// The metric moves `by` an amount or `to` a level, reached linearly over `over`
        /// (`burst`, `sag`, `leak_ramp`, `ramp`).
        case shift(metric: String, by: Double?, to: Double?, overMillis: Int64)
        /// The metric (every metric when nil) repeats the value it had at `at`.
        case stuck(metric: String?)
        /// The device publishes nothing.
        case dropout
        /// The device's clock is off by this much (payload timestamps move, publishing does not).
        case clockSkew(millis: Int64)
        /// This share of the device's messages are corrupted (not valid in any format).
        case malformed(rate: Double)
        /// This share of the device's messages are published twice, as a broker redelivers them.
        case duplicate(rate: Double)
        /// The runner's `--broker-restart-cmd` runs at `at`.
        case brokerRestart
        /// The gateway's uplink to the central broker is cut: the runner's `--uplink-stop-cmd` runs
        /// at `at` and `--uplink-start-cmd` at `at + for` (at the end of the run without `for`: a
        /// scenario never leaves the link down, since the drain afterwards is what it tests).
        case uplinkOutage
    }

    var kind: Kind
    /// The event's name in the file (`burst`, `sag`, …), for messages.
    var name: String
    var atMillis: Int64
    var forMillis: Int64?
    /// Glob on device ids.
    var devices: Glob

    func isActive(at offset: Int64) -> Bool {
        offset >= atMillis && forMillis.map { offset < atMillis + $0 } ?? true
    }
}

/// What the gateway must do (and must not do) by the end of the run.
struct Expectations: Sendable {
    var alerts: [AlertExpectation] = []
    var tickets: [TicketExpectation] = []
    var absent: [AbsentExpectation] = []
    /// Every alert not matched by `alerts` is a failure.
    var noOtherAlerts = false

    var isEmpty: Bool { alerts.isEmpty && tickets.isEmpty && absent.isEmpty && !noOtherAlerts }
}

/// An alert that must appear: rule and device globs, optionally a severity it must reach, and the
/// simulated time by which its episode must have begun (event time, so independent of the speed).
struct AlertExpectation: Sendable {
    var rule: Glob
    var device: Glob
    var severity: String?
    var byMillis: Int64?
}

/// A service ticket that must be opened for a rule and device.
struct TicketExpectation: Sendable {
    var rule: Glob
    var device: Glob
}

/// Alerts that must not appear (severity nil: any).
struct AbsentExpectation: Sendable {
    var rule: Glob
    var device: Glob
    var severity: String?
}
