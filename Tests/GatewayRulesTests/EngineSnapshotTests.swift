import Foundation
import GatewayCore
import GatewayRules
import Testing

@Suite("Rule engine: snapshot, restore, determinism")
struct EngineSnapshotTests {
    static let configuration = RulesConfiguration(
        devices: DeviceRegistry(entries: [.init(device: Glob("*"), attributes: [DeviceAttribute.expectedInterval: "1m"])]),
        rules: [
            testRule(.above(SeverityLevels(warning: 10, critical: 20)), id: "hi", deadband: 1, on: sec(60), off: sec(120)),
            testRule(.noData(forMillis: nil), id: "nd"),
            testRule(.rate(windowMillis: mins(5), rise: SeverityLevels(warning: 30), drop: nil), id: "rise"),
            testRule(.flatline(forMillis: mins(10), tolerance: 0.5), id: "flat"),
        ],
        alerting: AlertingSettings(floodNewAlerts: 2, floodWindowMillis: mins(10), floodEndBelow: 1))

    static func r(_ value: Double, _ time: EpochMillis, _ device: String = "d1") -> EngineStep {
        .reading(reading(value, at: time, device: device))
    }

    /// Runs `before`, then `after` on the engine and on a restarted copy, which must agree.
    static func expectSameAfterRestart(
        _ before: [EngineStep], _ after: (RuleEngine) -> [EngineStep], sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        var engine = RuleEngine(configuration: configuration)
        let history = run(before, on: &engine)
        var copy = try restarted(engine, configuration: configuration)
        #expect(copy.restoreEvents.isEmpty, sourceLocation: sourceLocation)
        #expect(copy.state == engine.state, sourceLocation: sourceLocation)
        let rest = after(engine)
        let expected = run(rest, on: &engine)
        let actual = run(rest, on: &copy)
        #expect(!expected.isEmpty, "the continuation should do something", sourceLocation: sourceLocation)
        #expect(actual == expected, sourceLocation: sourceLocation)
        #expect(AlertRecord.rebuild(from: history + actual) == copy.activeAlerts, sourceLocation: sourceLocation)
    }

    @Test func restoreMidPending() throws {
        try Self.expectSameAfterRestart([Self.r(15, 0), Self.r(15, sec(30))]) { _ in
            [Self.r(15, sec(50)), .advance(eventTime: sec(61), wallTime: wall0 + sec(61))]
        }
    }

    @Test func restoreMidOffDelay() throws {
        try Self.expectSameAfterRestart([Self.r(15, 0), Self.r(15, sec(60)), Self.r(5, sec(70))]) { _ in
            [Self.r(5, sec(100)), Self.r(5, sec(189)), Self.r(5, sec(190))]
        }
    }

    @Test func restoreWhileShelvedAndOutOfService() throws {
        var engine = RuleEngine(configuration: Self.configuration)
        _ = run([Self.r(15, 0), Self.r(15, sec(60))], on: &engine)
        let id = try #require(engine.activeAlerts.first).id
        let device = DeviceKey(site: "s1", device: "d2")
        try Self.expectSameAfterRestart([
            Self.r(15, 0), Self.r(15, sec(60)), .shelve(id, until: wall0 + mins(30), at: wall0 + sec(61)),
            Self.r(1, 0, "d2"), Self.r(15, sec(1), "d2"), .outOfService(device, until: wall0 + mins(20), at: wall0 + sec(62)),
        ]) { _ in
            [
                Self.r(5, sec(120)), Self.r(15, sec(130)), Self.r(15, sec(200), "d2"),
                .advance(eventTime: sec(400), wallTime: wall0 + mins(20)),
                .advance(eventTime: sec(500), wallTime: wall0 + mins(30)),
            ]
        }
    }

    @Test func restoreWithNoDataRateFlatlineAndFlood() throws {
        var before: [EngineStep] = []
        for n in 0..<5 { before.append(Self.r(1, mins(Int64(n)), "d\(n)")) }
        before.append(Self.r(40, mins(5), "d0"))  // rise of 39 over the window: pending (on-delay is on "hi" only)
        try Self.expectSameAfterRestart(before) { _ in
            [
                .advance(eventTime: mins(8), wallTime: wall0 + mins(8)),
                Self.r(40, mins(9), "d0"), Self.r(40, mins(16), "d0"),
                .advance(eventTime: mins(40), wallTime: wall0 + mins(40)),
            ]
        }
    }

    @Test func removedRulesCloseTheirAlertsAndNewRulesStartClean() throws {
        var engine = RuleEngine(configuration: Self.configuration)
        let raised = run([Self.r(15, 0), Self.r(15, sec(60)), .gap(at: wall0)], on: &engine)
        #expect(raised.filter { $0.kind == .activated }.count == 2)
        var changed = Self.configuration
        changed.rules.removeFirst()
        changed.rules.append(testRule(.above(SeverityLevels(warning: 12)), id: "new"))
        let copy = try restarted(engine, configuration: changed)
        #expect(copy.restoreEvents.map(\.kind) == [.ruleRemoved])
        #expect(copy.restoreEvents.first?.ruleID == "hi")
        #expect(copy.activeAlerts.map(\.ruleID) == ["gateway.possible_data_gap"])
        #expect(copy.ruleIDs(utility: .water, site: "s1", device: "d1", metric: "pressure") == ["nd", "rise", "flat", "new"])
        var next = copy
        #expect(next.evaluate(reading(15, at: sec(61))).map(\.ruleID) == ["new"])
        #expect(AlertRecord.rebuild(from: raised + copy.restoreEvents) == copy.activeAlerts)
    }

    @Test func sameInputsGiveTheSameEvents() {
        var steps: [EngineStep] = []
        var generator = SeededGenerator(seed: 7)
        for n in 0..<400 {
            let value = Double(generator.below(40))
            steps.append(Self.r(value, sec(Int64(n) * 7), "d\(generator.below(4))"))
        }
        var first = RuleEngine(configuration: Self.configuration)
        var second = RuleEngine(configuration: Self.configuration)
        let a = run(steps, on: &first)
        let b = run(steps, on: &second)
        #expect(a.count > 10)
        #expect(a == b)
        #expect(first.state == second.state)
    }

    @Test func lastSeqIsKeptForTheReplay() throws {
        var engine = RuleEngine(configuration: Self.configuration)
        _ = engine.evaluate(reading(1, at: 0, seq: 41))
        _ = engine.evaluate(reading(1, at: 1, seq: 42))
        #expect(try restarted(engine, configuration: Self.configuration).lastSeq == 42)
    }
}
