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
}
