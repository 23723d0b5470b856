import Foundation
import GatewayCore
import GatewayRules
import Testing

@Suite("Rule engine: acknowledgement, shelving, out of service, data gap")
struct EngineLifecycleTests {
    static let above10 = RuleCondition.above(SeverityLevels(warning: 10))

    @Test func acknowledgeActiveThenClearGoesToCleared() throws {
        var s = Scenario([testRule(Self.above10)])
        let id = s.feed(15, at: sec(0))[0].alertID
        let ack = try s.engine.acknowledge(alertID: id, actor: "li", note: "on it", at: wall0 + sec(5))
        s.record(ack)
        #expect(ack.kinds == [.acknowledged] && ack[0].state == .activeAck && ack[0].previousState == .activeUnack)
        #expect(ack[0].actor == "li" && ack[0].note == "on it" && ack[0].time == wall0 + sec(5))
        #expect(s.engine.alert(id: id)?.acknowledgedBy == "li")
        let cleared = s.feed(5, at: sec(10))
        #expect(cleared.kinds == [.cleared] && cleared[0].state == .cleared)
        #expect(s.engine.activeAlerts.isEmpty)
        s.checkRebuild()
    }

    @Test func clearedUnackStaysUntilAcknowledged() throws {
        var s = Scenario([testRule(Self.above10)])
        let id = s.feed(15, at: sec(0))[0].alertID
        s.feed(5, at: sec(10))
        #expect(s.engine.alert(id: id)?.state == .clearedUnack)
        let ack = try s.engine.acknowledge(alertID: id, actor: "li", at: wall0 + sec(20))
        s.record(ack)
        #expect(ack.kinds == [.acknowledged] && ack[0].state == .cleared && ack[0].previousState == .clearedUnack)
        #expect(s.engine.activeAlerts.isEmpty)
        s.checkRebuild()
    }

    @Test func aNewActivationWhileClearedUnackIsANewEpisode() {
        var s = Scenario([testRule(Self.above10)])
        let first = s.feed(15, at: sec(0))[0].alertID
        s.feed(5, at: sec(10))
        let second = s.feed(15, at: sec(20))[0].alertID
        #expect(first != second)
        #expect(s.engine.activeAlerts.map(\.state) == [.clearedUnack, .activeUnack])
    }

    @Test func refusedAcknowledgements() throws {
        var s = Scenario([testRule(Self.above10, id: "slow", on: sec(60)), testRule(Self.above10, id: "fast")])
        let events = s.feed(15, at: sec(0))
        let pending = try #require(events.first { $0.ruleID == "slow" }).alertID
        let active = try #require(events.first { $0.ruleID == "fast" }).alertID
        #expect(throws: RuleEngineError.self) { try s.engine.acknowledge(alertID: pending, actor: "li", at: wall0) }
        #expect(throws: RuleEngineError.missingActor) { try s.engine.acknowledge(alertID: active, actor: " ", at: wall0) }
        #expect(throws: RuleEngineError.unknownAlert(id: "A99")) { try s.engine.acknowledge(alertID: "A99", actor: "li", at: wall0) }
        _ = try s.engine.acknowledge(alertID: active, actor: "li", at: wall0)
        do {
            _ = try s.engine.acknowledge(alertID: active, actor: "wang", at: wall0)
            Issue.record("a second acknowledgement was accepted")
        } catch {
            #expect(error.code == "not_allowed")
            #expect(error.message.contains("already acknowledged by li"))
        }
        s.feed(5, at: sec(10))  // active_ack → cleared: gone
        #expect(throws: RuleEngineError.alertClosed(id: active)) { try s.engine.acknowledge(alertID: active, actor: "li", at: wall0) }
    }

    @Test func shelveUnshelveAndExpiry() throws {
        var s = Scenario([testRule(Self.above10)])
        let id = s.feed(15, at: sec(0))[0].alertID
        let shelved = try s.engine.shelve(alertID: id, until: wall0 + mins(60), actor: "li", note: "known", at: wall0 + sec(1))
        s.record(shelved)
        #expect(shelved.kinds == [.shelved] && shelved[0].shelved && shelved[0].shelvedUntil == wall0 + mins(60))
        #expect(shelved[0].state == .activeUnack)
        let unshelved = try s.engine.unshelve(alertID: id, actor: "li", at: wall0 + sec(2))
        s.record(unshelved)
        #expect(unshelved.kinds == [.unshelved] && !unshelved[0].shelved)
        #expect(throws: RuleEngineError.self) { try s.engine.unshelve(alertID: id, actor: "li", at: wall0 + sec(3)) }

        s.record(try s.engine.shelve(alertID: id, until: wall0 + mins(60), actor: "li", at: wall0 + sec(4)))
        // A shelved alarm still changes state; a new episode of it is born shelved.
        #expect(s.feed(5, at: sec(10))[0].shelved)
        let next = s.feed(15, at: sec(20))
        #expect(next.kinds == [.activated] && next[0].shelved)
        // Wall time, not event time, ends the shelving.
        #expect(s.advance(to: mins(120), wall: wall0 + mins(59)).isEmpty)
        let expired = s.advance(to: mins(120), wall: wall0 + mins(60))
        #expect(expired.kinds == [.shelveExpired, .shelveExpired] && expired.allSatisfy { !$0.shelved })
        s.checkRebuild()
    }

    @Test func shelvingExpiresThroughAnAction() throws {
        var s = Scenario([testRule(Self.above10)])
        let id = s.feed(15, at: sec(0))[0].alertID
        s.record(try s.engine.shelve(alertID: id, until: wall0 + mins(10), actor: "li", at: wall0))
        let events = try s.engine.acknowledge(alertID: id, actor: "li", at: wall0 + mins(11))
        #expect(events.kinds == [.shelveExpired, .acknowledged])
    }

    @Test func refusedShelving() throws {
        var s = Scenario([testRule(Self.above10, id: "gas", metric: "gas_leak", safety: true), testRule(Self.above10)])
        let gas = s.feed(15, at: sec(0), metric: "gas_leak")[0].alertID
        let plain = s.feed(15, at: sec(0))[0].alertID
        #expect(throws: RuleEngineError.self) { try s.engine.shelve(alertID: gas, until: wall0 + 1000, actor: "li", at: wall0) }
        #expect(throws: RuleEngineError.expiryNotInFuture(until: wall0, now: wall0)) {
            try s.engine.shelve(alertID: plain, until: wall0, actor: "li", at: wall0)
        }
        let gap = s.engine.recordGatewayEvent(GatewayEvent(timestamp: wall0, kind: .possibleDataGap, message: "gap"))[0].alertID
        #expect(throws: RuleEngineError.self) { try s.engine.shelve(alertID: gap, until: wall0 + 1000, actor: "li", at: wall0) }
    }

    @Test func outOfServiceFlagsSilencesAndComesBack() throws {
        var s = Scenario([
            testRule(Self.above10, id: "p"), testRule(Self.above10, id: "f", metric: "flow", on: sec(30)),
        ])
        let device = DeviceKey(site: "s1", device: "d1")
        let active = s.feed(15, at: sec(0))[0].alertID
        let pending = s.feed(15, at: sec(0), metric: "flow")
        #expect(pending.kinds == [.pending])
        let out = try s.engine.setOutOfService(device, until: nil, actor: "li", note: "pump swap", at: wall0 + sec(1))
        s.record(out)
        #expect(Set(out.kinds) == [.pendingCancelled, .outOfService])
        #expect(out.first { $0.kind == .outOfService }?.alertID == active)
        #expect(s.engine.outOfService(device)?.actor == "li")
        // Readings are judged silently: nothing new, but an active alert may still clear.
        #expect(s.feed(15, at: sec(40), metric: "flow").isEmpty)
        let cleared = s.feed(5, at: sec(50))
        #expect(cleared.kinds == [.cleared] && cleared[0].outOfService)
        #expect(s.feed(15, at: sec(60)).isEmpty)
        // Back in service: the flag goes, and conditions that still hold start at once.
        let back = try s.engine.setInService(device, actor: "li", at: wall0 + sec(70))
        s.record(back)
        #expect(back.kinds == [.inService, .activated, .activated])
        #expect(Set(back.dropFirst().map(\.ruleID)) == ["p", "f"])
        #expect(throws: RuleEngineError.deviceInService(device)) { try s.engine.setInService(device, actor: "li", at: wall0 + sec(80)) }
        s.checkRebuild()
    }

    @Test func outOfServiceEndsByItselfOnTheWallClock() throws {
        var s = Scenario([testRule(Self.above10)])
        let device = DeviceKey(site: "s1", device: "d1")
        s.record(try s.engine.setOutOfService(device, until: wall0 + mins(30), actor: "li", at: wall0))
        #expect(s.feed(15, at: sec(10)).isEmpty)
        #expect(s.advance(to: sec(20), wall: wall0 + mins(29)).isEmpty)
        let back = s.advance(to: sec(20), wall: wall0 + mins(30))
        #expect(back.kinds == [.activated])
        #expect(s.engine.outOfService(device) == nil)
        #expect(throws: RuleEngineError.expiryNotInFuture(until: wall0, now: wall0 + 1)) {
            try s.engine.setOutOfService(device, until: wall0, actor: "li", at: wall0 + 1)
        }
    }

    @Test func possibleDataGapIsASafetyAlertThatAcknowledgementEnds() throws {
        var s = Scenario([])
        #expect(s.record(s.engine.recordGatewayEvent(GatewayEvent(timestamp: wall0, kind: .sessionCreated, message: "new"))).isEmpty)
        let raised = s.record(s.engine.recordGatewayEvent(GatewayEvent(timestamp: wall0, kind: .possibleDataGap, message: "session lost")))
        #expect(raised.kinds == [.activated])
        #expect(raised[0].ruleID == "gateway.possible_data_gap" && raised[0].safety && raised[0].note == "session lost")
        #expect(s.engine.activeAlerts.count == 1)
        let ack = s.record(try s.engine.acknowledge(alertID: raised[0].alertID, actor: "li", at: wall0 + 5))
        #expect(ack.kinds == [.acknowledged, .cleared] && ack.last?.state == .cleared)
        #expect(s.engine.activeAlerts.isEmpty)
        s.checkRebuild()
    }

    @Test func eventsEncodeWithSnakeCaseKeysAndStateCodes() throws {
        var s = Scenario([testRule(Self.above10, ticket: TicketPolicy(when: .warning))])
        let event = s.feed(15, at: sec(0))[0]
        #expect(event.ticket)
        let json = String(decoding: try JSONEncoder().encode(event), as: UTF8.self)
        for key in ["\"alert_id\"", "\"rule_id\"", "\"during_flood\"", "\"out_of_service\"", "\"risk_level\"", "\"active_unack\""] {
            #expect(json.contains(key), "\(key) in \(json)")
        }
        #expect(try JSONDecoder().decode(AlertEvent.self, from: Data(json.utf8)) == event)
        #expect(AlertState.allCases.map(\.rawValue) == ["pending", "active_unack", "active_ack", "cleared_unack", "cleared"])
    }
}
