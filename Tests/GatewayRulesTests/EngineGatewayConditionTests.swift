import GatewayCore
import GatewayRules
import Testing

/// The buffer's conditions as alerts: raised once by their start events, cleared by their end
/// events, kept across a restore under another configuration.
@Suite struct EngineGatewayConditionTests {
    static func event(_ kind: GatewayEvent.Kind, at time: EpochMillis) -> GatewayEvent {
        GatewayEvent(timestamp: time, kind: kind, message: kind.rawValue)
    }

    @Test func aConditionIsOneAlertFromStartToEnd() throws {
        var engine = RuleEngine(configuration: RulesConfiguration())
        #expect(engine.recordGatewayEvent(Self.event(.bufferStoppedDropping, at: 1)).isEmpty, "an end with nothing to end")
        let raised = engine.recordGatewayEvent(Self.event(.bufferDropping, at: 2))
        #expect(raised.map(\.kind) == [.activated])
        #expect(raised.first?.ruleID == "buffer.dropping" && raised.first?.severity == .critical)
        #expect(engine.recordGatewayEvent(Self.event(.bufferDropping, at: 3)).isEmpty, "still the same episode")
        let cleared = engine.recordGatewayEvent(Self.event(.bufferStoppedDropping, at: 4))
        #expect(cleared.map(\.kind) == [.cleared] && cleared.first?.state == .clearedUnack)
        #expect(engine.activeAlerts.map(\.state) == [.clearedUnack], "stays listed until acknowledged")
        #expect(engine.recordGatewayEvent(Self.event(.bufferDropping, at: 5)).map(\.alertID) == ["A2"], "a new episode")
    }

    @Test func anAcknowledgedConditionClosesWhenItEndsAndSurvivesARestore() throws {
        var engine = RuleEngine(configuration: RulesConfiguration())
        let id = try #require(engine.recordGatewayEvent(Self.event(.bufferHighWater, at: 1)).first?.alertID)
        _ = try engine.acknowledge(alertID: id, actor: "alice", note: nil, at: 2)
        var restored = RuleEngine(configuration: RulesConfiguration(), state: engine.state)
        #expect(restored.restoreEvents.isEmpty, "no configured rule, yet not removed")
        #expect(restored.activeAlerts.map(\.state) == [.activeAck])
        let cleared = restored.recordGatewayEvent(Self.event(.bufferBelowHighWater, at: 3))
        #expect(cleared.first?.state == .cleared)
        #expect(restored.activeAlerts.isEmpty)
    }
}
