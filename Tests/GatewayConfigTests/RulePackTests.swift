import Foundation
import GatewayConfig
import GatewayCore
import Testing

@Suite("Shipped rule packs")
struct RulePackTests {
    static let root = repositoryRoot()

    func loadShipped() throws -> RulesConfiguration {
        let path = Self.root.appendingPathComponent("config/gateway.yaml").path
        do {
            return try ConfigurationLoader.load(path: path, options: .init(checkFiles: true)).configuration.rules
        } catch {
            Issue.record("config/gateway.yaml does not load:\n\(error)")
            throw error
        }
    }

    func rule(_ id: String, in rules: RulesConfiguration) throws -> RuleDefinition {
        try #require(rules.rules.first { $0.id == id }, "no rule \(id)")
    }

    @Test("config/gateway.yaml loads the three packs with no problem")
    func shippedConfigurationLoads() throws {
        let rules = try loadShipped()
        let ids = Set(rules.rules.map(\.id))
        for prefix in ["water.", "power.", "gas."] {
            #expect(ids.contains { $0.hasPrefix(prefix) }, "no \(prefix) rules")
        }
        #expect(rules.devices.entries.count == 3)
        #expect(rules.calendar.timeZone == .named("Asia/Shanghai"))
        #expect(rules.calendar.holidays.contains("2026-10-01"))
        #expect(rules.calendar.extraWorkdays == ["2026-09-20", "2026-10-10"])
        #expect(rules.alerting == AlertingSettings())
    }

    @Test("each pack loads on its own", arguments: ["water", "power", "gas"])
    func packLoadsAlone(pack: String) throws {
        let scratch = try Scratch()
        let yaml = minimalConfig("rules: { include: [\(Self.root.path)/config/rules/\(pack).yaml] }")
        let rules = try #require(load(yaml, file: scratch.path("gateway.yaml"))).configuration.rules.rules
        #expect(!rules.isEmpty)
        for rule in rules {
            #expect(rule.id.hasPrefix(pack + "."), "\(rule.id)")
            #expect(rule.match.utility?.rawValue == pack, "\(rule.id)")
            #expect(rule.source?.isEmpty == false, "\(rule.id) has no source")
            #expect(!rule.description.isEmpty, "\(rule.id) has no description")
        }
    }

    @Test("every pack has no_data for every metric and flatline for pressure, flow, voltage and frequency only")
    func dataHealthRules() throws {
        let rules = try loadShipped().rules
        for utility in Utility.allCases {
            let noData = rules.filter { $0.match.utility == utility && $0.condition == .noData(forMillis: nil) }
            #expect(noData.map(\.match.metric) == [Glob.any], "\(utility)")
        }
        let flatlines = rules.compactMap { rule -> String? in
            guard case .flatline = rule.condition, let utility = rule.match.utility else { return nil }
            return "\(utility.rawValue).\(rule.match.metric)"
        }
        #expect(Set(flatlines) == [
            "water.pressure", "water.flow", "power.voltage", "power.frequency", "gas.pressure", "gas.flow",
        ])
    }

    @Test("thresholds equal standards.md")
    func thresholdsFollowTheStandards() throws {
        let rules = try loadShipped()
        let pressure = try rule("water.pressure.low", in: rules)
        #expect(pressure.condition == .below(SeverityLevels(warning: 160, critical: 140)))
        #expect(pressure.source == "CJJ 58-2007 §3.1.3 via provincial service standard")
        #expect(pressure.match.attributes == ["point": "tap"])
        #expect(pressure.description.contains("design choice"))
        #expect(try rule("water.chlorine_free.tap", in: rules).condition
            == .outside(low: SeverityLevels(critical: 0.05), high: SeverityLevels(critical: 2)))
        #expect(try rule("water.chlorine_free.plant_outlet", in: rules).condition
            == .outside(low: SeverityLevels(critical: 0.3), high: SeverityLevels(critical: 2)))
        #expect(try rule("water.ph.out_of_range", in: rules).condition
            == .outside(low: SeverityLevels(critical: 6.5), high: SeverityLevels(critical: 8.5)))
        #expect(try rule("water.turbidity.high", in: rules).condition == .above(SeverityLevels(warning: 0.5, critical: 1)))
        let v220 = try rule("power.voltage.220v", in: rules)
        #expect(v220.condition == .outside(
            low: SeverityLevels(warning: 209, critical: 198), high: SeverityLevels(warning: 231, critical: 235.4)))
        #expect(v220.match.attributes == ["nominal_voltage": "220"])
        #expect(try rule("power.voltage.380v", in: rules).condition
            == .outside(low: SeverityLevels(critical: 353.4), high: SeverityLevels(critical: 406.6)))
        #expect(try rule("power.frequency.out_of_range", in: rules).condition
            == .outside(low: SeverityLevels(critical: 49.8), high: SeverityLevels(critical: 50.2)))
        #expect(try rule("power.voltage_unbalance.high", in: rules).condition == .above(SeverityLevels(warning: 2, critical: 4)))
        #expect(try rule("power.oil_temperature.high", in: rules).condition == .above(SeverityLevels(warning: 85, critical: 95)))
        let leak = try rule("gas.leak", in: rules)
        #expect(leak.condition == .above(SeverityLevels(warning: 25, critical: 50)))
        #expect(leak.safety && leak.source == "GB/T 50493-2019")
        #expect(try rule("gas.co.high", in: rules).safety)
        #expect(try rule("gas.co.sustained", in: rules).onDelayMillis == 3_600_000)
        #expect(try rule("gas.pressure.supply.natural", in: rules).condition
            == .outside(low: SeverityLevels(critical: 1.5), high: SeverityLevels(critical: 3.0)))
        #expect(try rule("gas.pressure.supply.lpg", in: rules).condition
            == .outside(low: SeverityLevels(critical: 2.1), high: SeverityLevels(critical: 4.2)))
        #expect(try rule("water.pressure.drop_rate", in: rules).description.contains("Tunable example"))
    }

    /// The simulator's devices (utility-sim: water 420 kPa, 0.6 mg/L; power 230 V, 50 Hz; gas 2.1 kPa,
    /// 0.5 %LEL) with the shipped attributes: each has a level rule that applies, and its baseline
    /// is inside every level of every rule that applies.
    @Test("the simulator's normal values raise nothing")
    func simulatorValuesAreNormal() throws {
        let rules = try loadShipped()
        // (metric, baseline, noise deviation) as in utility-sim's SensorFeed.
        let baselines: [(Utility, String, [(String, Double, Double)])] = [
            (.water, "wm-0000", [("pressure", 420, 6), ("flow", 35, 2.5), ("chlorine_free", 0.6, 0.04)]),
            (.power, "pm-0001", [("voltage", 230, 1.8), ("current", 42, 4), ("frequency", 50, 0.03)]),
            (.gas, "gm-0002", [("pressure", 2.1, 0.05), ("flow", 12, 1.2), ("gas_leak", 0.5, 0.3)]),
        ]
        for (utility, device, metrics) in baselines {
            let attributes = rules.devices.attributes(utility: utility, site: "site-01", device: device)
            #expect(attributes["expected_interval"] == "10s")
            for (metric, baseline, noise) in metrics {
                // The daily demand cycle moves pressure by 5 % and flow by 20 %; then 5 deviations of noise.
                let swing = baseline * (metric == "flow" || metric == "current" ? 0.2 : metric == "pressure" ? 0.05 : 0) + 5 * noise
                let applying = rules.rules.filter {
                    $0.match.matches(utility: utility, site: "site-01", device: device, metric: metric, attributes: attributes)
                }
                for rule in applying {
                    let levels: [(Double, Bool)]  // (level, fires when the value is above it)
                    switch rule.condition {
                    case .above(let l): levels = [l.warning, l.critical].compactMap { $0 }.map { ($0, true) }
                    case .below(let l): levels = [l.warning, l.critical].compactMap { $0 }.map { ($0, false) }
                    case .outside(let low, let high):
                        levels = [low.warning, low.critical].compactMap { $0 }.map { ($0, false) }
                            + [high.warning, high.critical].compactMap { $0 }.map { ($0, true) }
                    default: levels = []
                    }
                    for (level, fireAbove) in levels {
                        let worst = fireAbove ? baseline + swing : baseline - swing
                        #expect(fireAbove ? worst < level : worst > level, "\(device) \(metric) \(worst) trips \(rule.id) at \(level)")
                    }
                }
                if ["voltage", "frequency", "chlorine_free", "gas_leak"].contains(metric) || (metric == "pressure" && utility != .power) {
                    #expect(applying.contains { if case .noData = $0.condition { false } else if case .flatline = $0.condition { false } else { true } },
                            "no level rule applies to \(device) \(metric)")
                }
            }
        }
    }
}
