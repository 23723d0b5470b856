import GatewayCore

/// Everything a run publishes and does, in order, computed before the first message leaves.
///
/// The plan depends only on the scenario and the seed: the same seed gives the same messages with
/// the same values at the same offsets. Each device draws from its own generator (seeded from the
/// run's seed and the device's id), so adding a device to a scenario does not change the others.
struct ScenarioPlan: Sendable {
    /// One thing to do at a simulated offset.
    struct Step: Sendable {
        enum Action: Sendable {
            /// A device's reading: its values in metric order; `skewMillis` moves the payload's
            /// timestamp; `corrupt` sends a payload no adapter accepts; `copies` is 2 for a redelivery.
            case publish(device: Int, values: [(metric: String, value: Double)], skewMillis: Int64, corrupt: Bool, copies: Int)
            case restartBroker
            /// `uplink_outage` begins (`--uplink-stop-cmd`) or ends (`--uplink-start-cmd`).
            case stopUplink
            case startUplink
        }
        var offsetMillis: Int64
        var action: Action
    }

    let steps: [Step]

    init(scenario: Scenario, seed: UInt64) {
        var steps: [Step] = []
        for (index, device) in scenario.devices.enumerated() {
            var generator = SeededGenerator(seed: seed ^ Self.fnv1a(device.id + "@" + device.site))
            let events = scenario.events.filter { $0.devices.matches(device.id) }
            var stuck: [String: Double] = [:]
            // Devices do not all report in the same millisecond: a fixed phase within the interval.
            var offset = Int64(Self.fnv1a(device.id) % UInt64(max(1, min(device.intervalMillis, 10_000))))
            while offset < scenario.durationMillis {
                defer { offset += device.intervalMillis }
                var values: [(metric: String, value: Double)] = []
                for signal in device.metrics {
                    let clean = signal.clean(at: offset, startHour: scenario.startHour)
                    // Noise is drawn for every sample, so events do not shift later samples' noise.
                    var value = clean + (signal.noise > 0 ? generator.gaussian(deviation: signal.noise) : 0)
                    for event in events where event.isActive(at: offset) {
                        if case .shift(let metric, let by, let to, let over) = event.kind, metric == signal.name {
                            let progress = over > 0 ? min(1, Double(offset - event.atMillis) / Double(over)) : 1
                            if let by { value += progress * by }
                            if let to { value += progress * (to - clean) }
                        }
                    }
                    value = signal.finish(value)
                    let isStuck = events.contains { event in
                        guard event.isActive(at: offset), case .stuck(let metric) = event.kind else { return false }
                        return metric == nil || metric == signal.name
                    }
                    if isStuck {
                        value = stuck[signal.name] ?? value
                        stuck[signal.name] = value
                    } else {
                        stuck[signal.name] = nil
                    }
                    values.append((signal.name, value))
                }
                // Rates draw from the generator for every sample, active or not, for the same reason.
                let corruptDraw = Double(generator.next() % 1_000_000) / 1_000_000
                let duplicateDraw = Double(generator.next() % 1_000_000) / 1_000_000
                var skew: Int64 = 0
                var corrupt = false
                var copies = 1
                var silent = false
                for event in events where event.isActive(at: offset) {
                    switch event.kind {
                    case .dropout: silent = true
                    case .clockSkew(let millis): skew += millis
                    case .malformed(let rate): corrupt = corrupt || corruptDraw < rate
                    case .duplicate(let rate): if duplicateDraw < rate { copies = 2 }
                    default: break
                    }
                }
                if silent { continue }
                steps.append(Step(offsetMillis: offset, action: .publish(device: index, values: values, skewMillis: skew, corrupt: corrupt, copies: copies)))
            }
        }
        for event in scenario.events {
            if case .brokerRestart = event.kind { steps.append(Step(offsetMillis: event.atMillis, action: .restartBroker)) }
        }
        // Appended after the devices' steps, so at an equal offset the link changes after the readings
        // of that instant. The link comes back at the end of the run at the latest.
        for event in scenario.uplinkOutages {
            steps.append(Step(offsetMillis: event.atMillis, action: .stopUplink))
            let end = min(event.atMillis + (event.forMillis ?? scenario.durationMillis), scenario.durationMillis)
            steps.append(Step(offsetMillis: end, action: .startUplink))
        }
        // Stable: equal offsets keep device order, so the plan is the same on every run.
        self.steps = steps.enumerated().sorted { ($0.element.offsetMillis, $0.offset) < ($1.element.offsetMillis, $1.offset) }.map(\.element)
    }

    /// FNV-1a over UTF-8: a string hash that is the same in every process (Swift's `Hasher` is
    /// seeded per process).
    static func fnv1a(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return hash
    }
}
