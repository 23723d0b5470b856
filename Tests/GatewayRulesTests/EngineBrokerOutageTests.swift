import Foundation
import GatewayCore
import GatewayRules
import Testing

/// The local broker link as the rules see it: while it is down every device is silent, so `no_data`
/// is held (one `broker.link_down` alert for the cause, once the outage lasts 30 s), and when it is
/// back every device gets a whole `no_data` period to report.
@Suite struct EngineBrokerOutageTests {
    static func link(_ kind: GatewayEvent.Kind, at time: EpochMillis) -> GatewayEvent {
        GatewayEvent(timestamp: wall0 + time, kind: kind, message: "the link to the local MQTT broker is down: connection refused")
    }

    /// Two devices reporting, then the link goes down at 1 min.
    static func scenario() -> Scenario {
        var s = Scenario([testRule(.noData(forMillis: mins(10)))])
        s.feed(1, at: 0, device: "d1")
        s.feed(1, at: 0, device: "d2")
        #expect(s.record(s.engine.recordGatewayEvent(link(.brokerLinkDown, at: mins(1)))).isEmpty, "nothing at once")
        return s
    }

    @Test func noDataIsHeldWhileTheLinkIsDownAndOneAlertNamesTheCause() throws {
        var s = Self.scenario()
        #expect(s.advance(to: mins(1) + sec(29)).isEmpty, "a blip shorter than broker_link_down_after raises nothing")
        let raised = s.advance(to: mins(1) + sec(30))
        #expect(raised.map(\.ruleID) == ["broker.link_down"] && raised.first?.severity == .critical)
        #expect(raised.first?.note?.contains("connection refused") == true, "the alert says why")
        #expect(s.advance(to: mins(60)).isEmpty, "50 minutes past every no_data period: no device alert")
        let back = s.record(s.engine.recordGatewayEvent(Self.link(.brokerLinkUp, at: mins(60))))
        #expect(back.map(\.kind) == [.cleared] && back.first?.ruleID == "broker.link_down")
        // A whole period from the return: d1 reports from the broker's queue, d2 stays silent.
        s.feed(1, at: mins(61), device: "d1")
        #expect(s.advance(to: mins(70) - 1).isEmpty, "no device alert before a whole period after the return")
        let fired = s.advance(to: mins(70))
        #expect(fired.map(\.device) == ["d2"] && fired.first?.ruleID == "r" && fired.first?.time == mins(70))
        s.checkRebuild()
    }

    @Test func aShortOutageRaisesNothingAndStillRestartsThePeriods() {
        var s = Self.scenario()
        #expect(s.advance(to: mins(1) + sec(5)).isEmpty)  // the daemon advances event time about once a second
        #expect(s.record(s.engine.recordGatewayEvent(Self.link(.brokerLinkUp, at: mins(1) + sec(5)))).isEmpty)
        #expect(s.advance(to: mins(11)).isEmpty, "the periods run from the return (1 min 5 s), not from the last reading")
        #expect(s.advance(to: mins(11) + sec(5)).map(\.device) == ["d1", "d2"])
    }

    @Test func aDeviceAlreadySilentKeepsItsAlertAndRepeatedReportsAreOneOutage() {
        var s = Scenario([testRule(.noData(forMillis: mins(10)))])
        s.feed(1, at: 0)
        #expect(s.advance(to: mins(10)).map(\.kind) == [.activated])
        s.record(s.engine.recordGatewayEvent(Self.link(.brokerLinkDown, at: mins(11))))
        #expect(s.engine.recordGatewayEvent(Self.link(.brokerLinkDown, at: mins(12))).isEmpty, "the same outage")
        #expect(s.advance(to: mins(11) + sec(30)).map(\.ruleID) == ["broker.link_down"], "timed from the first report")
        #expect(s.engine.activeAlerts.map(\.ruleID).sorted() == ["broker.link_down", "r"], "the device's earlier alert stays")
        #expect(s.engine.recordGatewayEvent(Self.link(.brokerLinkUp, at: mins(13))).map(\.kind) == [.cleared])
        #expect(s.engine.recordGatewayEvent(Self.link(.brokerLinkUp, at: mins(14))).isEmpty, "up without an outage: nothing")
    }

    @Test func anOutageSurvivesARestartUntilTheFirstConnection() throws {
        var s = Self.scenario()
        s.advance(to: mins(2))
        let data = try JSONEncoder().encode(s.engine.state)
        var restored = RuleEngine(
            configuration: RulesConfiguration(rules: [testRule(.noData(forMillis: mins(10)))]),
            state: try JSONDecoder().decode(RuleEngineState.self, from: data))
        #expect(restored.advance(eventTime: mins(30), wallTime: wall0 + mins(30)).isEmpty, "still held after the restart")
        #expect(restored.recordGatewayEvent(Self.link(.brokerLinkUp, at: mins(30))).map(\.ruleID) == ["broker.link_down"])
        #expect(restored.advance(eventTime: mins(40), wallTime: wall0 + mins(40)).map(\.device) == ["d1", "d2"])
    }

    @Test func theDelayIsConfigurable() {
        var s = Scenario([testRule(.noData(forMillis: mins(10)))], alerting: AlertingSettings(brokerLinkDownAfterMillis: sec(5)))
        s.feed(1, at: 0)
        s.record(s.engine.recordGatewayEvent(Self.link(.brokerLinkDown, at: mins(1))))
        #expect(s.advance(to: mins(1) + sec(5)).map(\.ruleID) == ["broker.link_down"])
    }
}
