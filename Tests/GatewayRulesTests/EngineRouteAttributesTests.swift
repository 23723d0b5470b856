import GatewayCore
import GatewayRules
import Testing

/// Rules that match on attributes a route gives its devices, before and after a restore.
@Suite struct EngineRouteAttributesTests {
    static let devices = DeviceRegistry(routes: [
        .init(filter: "plant/+", attributes: ["point": "plant_outlet"]),
        .init(filter: "taps/+", attributes: ["point": "tap"]),
    ])
    static let rules = [testRule(.below(SeverityLevels(warning: 160)), id: "tap.low", attributes: ["point": "tap"])]

    static func reading(_ value: Double, at time: EpochMillis, device: String, topic: String) -> Reading {
        Reading(
            utility: .water, site: "s1", device: device, metric: "pressure", value: value, unit: "kPa", timestamp: time,
            receivedAt: wall0 + time, topic: topic)
    }

    @Test func aRuleMatchesTheDevicesOfTheRouteWithItsAttribute() {
        var engine = RuleEngine(configuration: RulesConfiguration(devices: Self.devices, rules: Self.rules))
        let tap = engine.evaluate(Self.reading(100, at: sec(1), device: "t-1", topic: "taps/t-1"))
        let plant = engine.evaluate(Self.reading(100, at: sec(1), device: "p-1", topic: "plant/p-1"))
        #expect(tap.map(\.kind) == [.activated])
        #expect(plant.isEmpty, "a plant-outlet device is not a tap")
    }

    @Test func aRestoredEngineKeepsTheRouteOfEachSeries() {
        let configuration = RulesConfiguration(devices: Self.devices, rules: Self.rules)
        var engine = RuleEngine(configuration: configuration)
        _ = engine.evaluate(Self.reading(100, at: sec(1), device: "t-1", topic: "taps/t-1"))
        var restored = RuleEngine(configuration: configuration, state: engine.state)
        #expect(restored.restoreEvents.isEmpty, "the tap rule still applies after the restore")
        #expect(restored.evaluate(Self.reading(200, at: sec(2), device: "t-1", topic: "taps/t-1")).map(\.kind) == [.cleared])
    }
}
