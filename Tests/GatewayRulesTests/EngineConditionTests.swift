import Foundation
import GatewayCore
import GatewayRules
import Testing

@Suite("Rule engine: conditions")
struct EngineConditionTests {
    @Test func aboveRaisesWarningThenCriticalInOneEpisode() {
        var s = Scenario([testRule(.above(SeverityLevels(warning: 10, critical: 20)))])
        #expect(s.feed(5, at: sec(0)).isEmpty)
        let first = s.feed(15, at: sec(10))
        #expect(first.kinds == [.activated])
        #expect(first[0].state == .activeUnack && first[0].previousState == nil)
        #expect(first[0].severity == .warning && first[0].threshold == 10 && first[0].value == 15)
        let up = s.feed(25, at: sec(20))
        #expect(up.kinds == [.severityChanged] && up[0].severity == .critical && up[0].threshold == 20)
        #expect(up[0].alertID == first[0].alertID)
        let down = s.feed(15, at: sec(30))
        #expect(down.kinds == [.severityChanged] && down[0].severity == .warning)
        let clear = s.feed(5, at: sec(40))
        #expect(clear.kinds == [.cleared] && clear[0].state == .clearedUnack)
        s.checkRebuild()
    }

    @Test func levelsAreStrict() {
        var s = Scenario([
            testRule(.above(SeverityLevels(warning: 10)), id: "hi"),
            testRule(.below(SeverityLevels(critical: 2)), id: "lo"),
        ])
        #expect(s.feed(10, at: sec(0)).isEmpty)
        #expect(s.feed(2, at: sec(1)).isEmpty)
        #expect(s.feed(1.999, at: sec(2)).map(\.ruleID) == ["lo"])
    }

    @Test func belowWithOnlyCritical() {
        var s = Scenario([testRule(.below(SeverityLevels(critical: 140)))])
        let events = s.feed(139, at: sec(0))
        #expect(events.kinds == [.activated] && events[0].severity == .critical && events[0].threshold == 140)
    }

    @Test func outsideJudgesBothSides() {
        var s = Scenario([
            testRule(.outside(low: SeverityLevels(warning: 6.5, critical: 6), high: SeverityLevels(warning: 8.5, critical: 9)), metric: "ph")
        ])
        #expect(s.feed(7, at: sec(0), metric: "ph").isEmpty)
        let low = s.feed(6.2, at: sec(1), metric: "ph")
        #expect(low.kinds == [.activated] && low[0].severity == .warning && low[0].threshold == 6.5)
        #expect(s.feed(5.9, at: sec(2), metric: "ph")[0].severity == .critical)
        let back = s.feed(7, at: sec(3), metric: "ph")
        #expect(back.kinds == [.cleared])
        let high = s.feed(9.5, at: sec(4), metric: "ph")
        #expect(high.kinds == [.activated] && high[0].severity == .critical && high[0].threshold == 9)
        #expect(high[0].alertID != low[0].alertID)
    }

    @Test func deadbandAboveClearsOnlyAtLevelMinusDeadband() {
        var s = Scenario([testRule(.above(SeverityLevels(warning: 100)), deadband: 5)])
        #expect(s.feed(101, at: sec(0)).kinds == [.activated])
        #expect(s.feed(99, at: sec(1)).isEmpty)
        #expect(s.feed(95.5, at: sec(2)).isEmpty)
        #expect(s.feed(95, at: sec(3)).kinds == [.cleared])
        // Below the level but inside the band again: not re-raised until it is strictly past the level.
        #expect(s.feed(99, at: sec(4)).isEmpty)
    }

    @Test func deadbandBelowAndBetweenLevels() {
        var s = Scenario([testRule(.below(SeverityLevels(warning: 160, critical: 140)), deadband: 5)])
        #expect(s.feed(139, at: sec(0))[0].severity == .critical)
        #expect(s.feed(144, at: sec(1)).isEmpty)  // critical holds until ≥ 145
        let down = s.feed(145, at: sec(2))
        #expect(down.kinds == [.severityChanged] && down[0].severity == .warning)
        #expect(s.feed(164, at: sec(3)).isEmpty)  // warning holds until ≥ 165
        #expect(s.feed(165, at: sec(4)).kinds == [.cleared])
    }

    @Test func rateRiseWithIrregularSampling() {
        var s = Scenario([testRule(.rate(windowMillis: mins(5), rise: SeverityLevels(warning: 10), drop: nil))])
        #expect(s.feed(100, at: sec(0)).isEmpty)
        #expect(s.feed(102, at: sec(30)).isEmpty)
        #expect(s.feed(109, at: sec(240)).isEmpty)  // +9 over the window
        let rise = s.feed(111, at: sec(250))  // +11 from the oldest still inside
        #expect(rise.kinds == [.activated] && rise[0].value == 11 && rise[0].threshold == 10)
        // 9 minutes: the window (4 min, 9 min] holds 111 and 111.
        #expect(s.feed(111, at: sec(540)).kinds == [.cleared])
    }

    @Test func rateDropReportsANegativeChange() {
        var s = Scenario([testRule(.rate(windowMillis: mins(1), rise: nil, drop: SeverityLevels(warning: 5, critical: 20)))])
        #expect(s.feed(50, at: sec(0)).isEmpty)
        let drop = s.feed(40, at: sec(20))
        #expect(drop.kinds == [.activated] && drop[0].severity == .warning && drop[0].value == -10 && drop[0].threshold == -5)
        #expect(s.feed(25, at: sec(40))[0].severity == .critical)
    }

    @Test func rateWithOneReadingInTheWindowIsNoChange() {
        var s = Scenario([testRule(.rate(windowMillis: sec(10), rise: SeverityLevels(warning: 1), drop: nil))])
        #expect(s.feed(0, at: sec(0)).isEmpty)
        #expect(s.feed(100, at: sec(60)).isEmpty)  // the previous reading left the window long ago
    }

    @Test func flatlineNeedsTheWholePeriodWithinTolerance() {
        var s = Scenario([testRule(.flatline(forMillis: mins(30), tolerance: 0.01))])
        #expect(s.feed(5, at: mins(0)).isEmpty)
        #expect(s.feed(5.005, at: mins(10)).isEmpty)
        #expect(s.feed(4.995, at: mins(20)).isEmpty)
        let stuck = s.feed(5.01, at: mins(30))
        #expect(stuck.kinds == [.activated] && stuck[0].severity == .warning)
        #expect(s.feed(5.5, at: mins(31)).kinds == [.cleared])
        // A new run starts at the value that broke the old one.
        #expect(s.feed(5.5, at: mins(60)).isEmpty)
        #expect(s.feed(5.5, at: mins(61)).kinds == [.activated])
    }

    @Test func noDataFiresThroughAdvanceAndClearsWithData() {
        var s = Scenario([testRule(.noData(forMillis: mins(10)))])
        #expect(s.feed(1, at: 0).isEmpty)
        #expect(s.advance(to: mins(10) - 1).isEmpty)
        let fired = s.advance(to: mins(12))
        #expect(fired.kinds == [.activated] && fired[0].time == mins(10) && fired[0].severity == .warning)
        #expect(s.feed(1, at: mins(13)).kinds == [.cleared])
        s.checkRebuild()
    }

    @Test func noDataFiresWhenOtherSeriesMoveEventTime() {
        var s = Scenario([testRule(.noData(forMillis: mins(10)), device: "quiet")])
        s.feed(1, at: 0, device: "quiet")
        #expect(s.feed(1, at: mins(5), device: "busy").isEmpty)
        let fired = s.feed(1, at: mins(11), device: "busy")
        #expect(fired.kinds == [.activated] && fired[0].device == "quiet" && fired[0].time == mins(10))
    }

    @Test func noDataDefaultsToThreeExpectedIntervalsAndOtherwiseDoesNotApply() {
        let devices = DeviceRegistry(entries: [
            .init(device: Glob("meter-*"), attributes: [DeviceAttribute.expectedInterval: "5m"])
        ])
        var s = Scenario([testRule(.noData(forMillis: nil), id: "nd")], devices: devices)
        s.feed(1, at: 0, device: "meter-1")
        s.feed(1, at: 0, device: "other")
        #expect(s.engine.ruleIDs(utility: .water, site: "s1", device: "meter-1", metric: "pressure") == ["nd"])
        #expect(s.engine.ruleIDs(utility: .water, site: "s1", device: "other", metric: "pressure") == [])
        #expect(s.advance(to: mins(15) - 1).isEmpty)
        let fired = s.advance(to: mins(15))
        #expect(fired.map(\.device) == ["meter-1"])
    }

    @Test func lateReadingsOfASeriesAreSkipped() {
        var s = Scenario([testRule(.above(SeverityLevels(warning: 10)))])
        s.feed(1, at: sec(10))
        #expect(s.feed(50, at: sec(5)).isEmpty)
    }

    @Test func nonFiniteValuesAreDataButJudgedByNothing() throws {
        var s = Scenario([testRule(.above(SeverityLevels(warning: 10)), id: "hi"), testRule(.noData(forMillis: mins(10)), id: "nd")])
        s.feed(1, at: 0)
        #expect(s.advance(to: mins(10)).map(\.ruleID) == ["nd"])
        #expect(s.feed(.nan, at: mins(11)).kinds == [.cleared])
        #expect(s.feed(.infinity, at: mins(12)).isEmpty)
        let data = try JSONEncoder().encode(s.engine.state)
        let restored = RuleEngine(
            configuration: RulesConfiguration(rules: [testRule(.above(SeverityLevels(warning: 10)), id: "hi")]),
            state: try JSONDecoder().decode(RuleEngineState.self, from: data))
        #expect(restored.restoreEvents.map(\.kind) == [.ruleRemoved] && restored.activeAlerts.isEmpty)
        _ = try JSONEncoder().encode(s.history)
    }
}
