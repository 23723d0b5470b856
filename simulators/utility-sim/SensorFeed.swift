import Foundation
import GatewayCore

/// A simulated field device: its identity, the topic it publishes on and the metrics it reports,
/// named with the gateway's metric vocabulary (DESIGN §4) in canonical units.
struct SimulatedDevice: Sendable {
    let utility: Utility
    let site: String
    let id: String
    let topic: String
    /// (metric, baseline, noise deviation, number of decimals)
    let metrics: [(name: String, baseline: Double, noise: Double, decimals: Int)]

    /// Device `index` of a fleet: utilities take turns (water, power, gas), a site every 50 devices.
    init(index: Int, topicPrefix: String) {
        utility = Utility.allCases[index % 3]
        site = "site-\(String(format: "%02d", index / 50 + 1))"
        switch utility {
        case .water:
            id = String(format: "wm-%04d", index)
            metrics = [("pressure", 420, 6, 1), ("flow", 35, 2.5, 2), ("chlorine_free", 0.6, 0.04, 3)]
        case .power:
            id = String(format: "pm-%04d", index)
            metrics = [("voltage", 230, 1.8, 1), ("current", 42, 4, 2), ("frequency", 50, 0.03, 3)]
        case .gas:
            id = String(format: "gm-%04d", index)
            metrics = [("pressure", 2.1, 0.05, 3), ("flow", 12, 1.2, 2), ("gas_leak", 0.5, 0.3, 2)]
        }
        topic = "\(topicPrefix)/\(utility.rawValue)/\(site)/\(id)/telemetry"
    }

    /// One JSON payload: `{"seq":N,"ts":EPOCH_MS,"pressure":…}`. A slow daily demand cycle (lower
    /// pressure and higher flow in the day) and Gaussian noise make it look like a real feed.
    func payload(sequence: Int64, timestamp: EpochMillis, generator: inout SeededGenerator) -> [UInt8] {
        var json = "{\"seq\":\(sequence),\"ts\":\(timestamp)"
        for (metric, value) in zip(metrics, values(timestamp: timestamp, generator: &generator)) {
            json += ",\"\(metric.name)\":" + value
        }
        json += "}"
        return Array(json.utf8)
    }

    /// The device's metric values at `timestamp`, formatted with each metric's decimals.
    func values(timestamp: EpochMillis, generator: inout SeededGenerator) -> [String] {
        let hourOfDay = Double((timestamp / 1000) % 86_400) / 3600
        let demand = sin((hourOfDay - 6) / 24 * 2 * .pi)  // peaks mid-day
        return metrics.map { metric in
            var value = metric.baseline + generator.gaussian(deviation: metric.noise)
            switch metric.name {
            case "pressure": value -= demand * metric.baseline * 0.05
            case "flow", "current": value += demand * metric.baseline * 0.2
            default: break
            }
            if metric.name == "gas_leak" || metric.name == "chlorine_free" || metric.name == "flow" { value = max(0, value) }
            return String(format: "%.\(metric.decimals)f", value)
        }
    }
}
