import GatewayCore

/// Before a run with `--config`: does the gateway read every scenario device the way the scenario
/// means it? A device no route takes, a route of another format, or metrics the route does not map
/// would make the scenario test nothing (or quarantine every message) — a mistake better caught
/// with a sentence before the run than as a puzzling miss after it.
enum RouteCheck {
    static func problems(_ scenario: Scenario, routes: [RouteConfiguration]) -> [String] {
        var problems: [String] = []
        for device in scenario.devices {
            guard let route = routes.first(where: { CompiledTopicFilter($0.matchFilter).matches(device.topic) }) else {
                problems.append("device \(device.id): no route of the gateway configuration takes its topic \(device.topic)")
                continue
            }
            if route.format != device.format.rawValue && route.format != "auto" {
                problems.append("device \(device.id): route '\(route.id)' reads \(route.format), but the device publishes \(device.format.rawValue)")
                continue
            }
            let mapped = Set(route.metrics.map(\.name))
            let reported = Set(device.metrics.map(\.name))
            let unmapped = reported.subtracting(mapped).sorted()
            if !unmapped.isEmpty {
                problems.append("device \(device.id): route '\(route.id)' does not map \(unmapped.joined(separator: ", ")) (it maps \(mapped.sorted().joined(separator: ", ")))")
            }
            // JSON and XML routes quarantine a record that lacks one of their metrics.
            if device.format == .json || device.format == .xml {
                let missing = mapped.subtracting(reported).sorted()
                if !missing.isEmpty {
                    problems.append("device \(device.id): route '\(route.id)' also expects \(missing.joined(separator: ", ")), which the device does not report (every message would be quarantined as missing_field)")
                }
            }
        }
        return problems
    }

    /// Devices whose `no_data` an accelerated run cannot judge: a backdated feed arrives behind the
    /// gateway's event-time clock, which follows the wall clock (README → Simulating devices →
    /// Limits of accelerated runs). A warning, not a refusal: the rest of the scenario still holds.
    static func speedWarnings(_ scenario: Scenario, devices registry: DeviceRegistry, speed: Double) -> [String] {
        guard speed > 1 else { return [] }
        return scenario.devices.compactMap { device in
            let attributes = registry.attributes(utility: device.utility, site: device.site, device: device.id)
            guard let interval = attributes[DeviceAttribute.expectedInterval] else { return nil }
            return "device \(device.id) has expected_interval \(interval) in the gateway configuration: at speed "
                + "\(speed) its no_data alerts (and every on- and off-delay) are not judged as in real time; use --speed 1 for those"
        }
    }
}
