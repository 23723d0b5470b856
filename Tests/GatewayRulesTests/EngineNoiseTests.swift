import GatewayCore
import GatewayRules
import Testing

@Suite("Rule engine: chattering, flood, first-out")
struct EngineNoiseTests {
    static let above10 = RuleCondition.above(SeverityLevels(warning: 10))

    /// Toggles the value around the level `times` times, 10 s apart.
    static func toggle(_ s: inout Scenario, times: Int, from start: EpochMillis = 0, device: String = "d1", metric: String = "pressure") -> [AlertEvent] {
        var events: [AlertEvent] = []
        for n in 0..<times {
            events += s.feed(15, at: start + sec(Int64(n) * 20), device: device, metric: metric)
            events += s.feed(5, at: start + sec(Int64(n) * 20 + 10), device: device, metric: metric)
        }
        return events
    }

    @Test func thirdActivationWithinAMinuteShelvesTheAlarm() {
        var s = Scenario([testRule(Self.above10)])
        let events = Self.toggle(&s, times: 3)
        let chattering = events.filter { $0.kind == .chattering }
        #expect(chattering.count == 1)
        #expect(chattering.first?.alertID == events.filter { $0.kind == .activated }.last?.alertID)
        #expect(chattering.first?.shelved == true)
        #expect(chattering.first?.shelvedUntil == wall0 + sec(40) + AlertingSettings().chatteringShelveMillis)
        // The older episodes still waiting in cleared_unack are shelved with it.
        #expect(events.filter { $0.kind == .shelved }.count == 2)
        // Later activations are born shelved; no second chattering event while shelved.
        let later = Self.toggle(&s, times: 3, from: sec(60))
        #expect(later.filter { $0.kind == .chattering }.isEmpty)
        #expect(later.filter { $0.kind == .activated }.allSatisfy { $0.shelved })
        s.checkRebuild()
    }

    @Test func safetyAlertsNeverChatterShelve() {
        let devices = DeviceRegistry(entries: [.init(device: Glob("co-*"), attributes: [DeviceAttribute.safety: "true"])])
        var s = Scenario([testRule(Self.above10, id: "leak", metric: "gas_leak", safety: true), testRule(Self.above10)], devices: devices)
        let byRule = Self.toggle(&s, times: 5, metric: "gas_leak")
        let byDevice = Self.toggle(&s, times: 5, device: "co-1")
        #expect(byRule.filter { $0.kind == .chattering || $0.shelved }.isEmpty)
        #expect(byDevice.filter { $0.kind == .chattering || $0.shelved }.isEmpty)
        #expect(byDevice.filter { $0.kind == .activated }.allSatisfy { $0.safety })
    }

    @Test func floodStartsAboveTheLimitAndEndsBelowTheEndLevel() {
        let alerting = AlertingSettings(floodNewAlerts: 3, floodWindowMillis: mins(10), floodEndBelow: 2)
        var s = Scenario(
            [testRule(Self.above10), testRule(Self.above10, id: "leak", metric: "gas_leak", safety: true)], alerting: alerting)
        for n in 1...3 { #expect(s.feed(15, at: mins(Int64(n)), device: "d\(n)").kinds == [.activated]) }
        #expect(!s.engine.isFlooding(site: "s1"))
        let fourth = s.feed(15, at: mins(4), device: "d4")
        #expect(fourth.kinds == [.activated, .floodStarted])
        #expect(fourth[0].duringFlood)
        let flood = fourth[1]
        #expect(flood.ruleID == "gateway.flood" && flood.device == "*" && flood.site == "s1" && flood.state == .activeUnack)
        #expect(s.engine.isFlooding(site: "s1") && !s.engine.isFlooding(site: "s2"))
        // Individual alerts still exist; safety ones are never flooded; another site is not flooding.
        #expect(s.feed(15, at: mins(5), device: "d5")[0].duringFlood)
        #expect(!s.feed(15, at: mins(5), device: "d6", metric: "gas_leak")[0].duringFlood)
        #expect(!s.feed(15, at: mins(5), device: "x", site: "s2")[0].duringFlood)
        // Activations at 1..5, 5 min: the flood ends when fewer than 2 remain in the window: at 15 min.
        #expect(s.advance(to: mins(15) - 1).isEmpty)
        let ended = s.advance(to: mins(15))
        #expect(ended.kinds == [.floodEnded] && ended[0].alertID == flood.alertID && ended[0].state == .clearedUnack)
        #expect(!s.engine.isFlooding(site: "s1"))
        s.checkRebuild()
    }

    @Test func noDataSuppressesTheDevicesOtherAlertsUntilItClears() {
        var s = Scenario([
            testRule(.noData(forMillis: mins(10)), id: "nd", metric: "flow"),
            testRule(Self.above10, id: "hi"),
            testRule(.noData(forMillis: mins(10)), id: "nd-p", metric: "temperature"),
        ])
        s.feed(1, at: 0, metric: "flow")
        s.feed(1, at: 0, metric: "temperature")
        let high = s.feed(15, at: mins(1))
        s.feed(15, at: mins(2), device: "d2")  // another device: never suppressed
        s.feed(1, at: mins(1), metric: "temperature")
        let lost = s.advance(to: mins(10))
        #expect(lost.kinds == [.activated, .suppressed])
        #expect(lost[1].alertID == high[0].alertID && lost[1].suppressed)
        // A new alert of the device while first-out holds is born suppressed; other no_data alerts are not.
        s.feed(5, at: mins(10) + 1)
        let again = s.feed(15, at: mins(10) + 2)
        #expect(again.kinds == [.activated] && again[0].suppressed)
        let otherNoData = s.advance(to: mins(11))
        #expect(otherNoData.kinds == [.activated] && otherNoData[0].ruleID == "nd-p" && !otherNoData[0].suppressed)
        // Suppression lasts while any no_data alert of the device is active.
        #expect(s.feed(1, at: mins(12), metric: "flow").kinds == [.cleared])
        let back = s.feed(1, at: mins(12), metric: "temperature")
        #expect(back.kinds == [.cleared, .unsuppressed, .unsuppressed])
        #expect(back.dropFirst().allSatisfy { !$0.suppressed })
        s.checkRebuild()
    }
}
