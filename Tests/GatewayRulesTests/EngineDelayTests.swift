import GatewayCore
import GatewayRules
import Testing

@Suite("Rule engine: on-delay and off-delay")
struct EngineDelayTests {
    static let above10 = RuleCondition.above(SeverityLevels(warning: 10, critical: 20))

    @Test func onDelayHoldsBeforeActivating() {
        var s = Scenario([testRule(Self.above10, on: sec(60))])
        let pending = s.feed(15, at: sec(0))
        #expect(pending.kinds == [.pending] && pending[0].state == .pending)
        #expect(s.feed(15, at: sec(30)).isEmpty)
        let active = s.feed(15, at: sec(60))
        #expect(active.kinds == [.activated] && active[0].previousState == .pending && active[0].alertID == pending[0].alertID)
        #expect(active[0].since == 0 && active[0].time == sec(60))
        s.checkRebuild()
    }

    @Test func onDelayCompletesThroughAdvance() {
        var s = Scenario([testRule(Self.above10, on: sec(60))])
        s.feed(15, at: sec(0))
        #expect(s.advance(to: sec(59)).isEmpty)
        let active = s.advance(to: sec(90))
        #expect(active.kinds == [.activated] && active[0].time == sec(60))
    }

    @Test func pendingThatNeverActivatesDisappears() {
        var s = Scenario([testRule(Self.above10, on: sec(60))])
        s.feed(15, at: sec(0))
        let cancelled = s.feed(5, at: sec(30))
        #expect(cancelled.kinds == [.pendingCancelled])
        #expect(s.engine.activeAlerts.isEmpty)
        s.checkRebuild()
        // The next excursion is a fresh episode with a fresh on-delay.
        let again = s.feed(15, at: sec(40))
        #expect(again.kinds == [.pending] && again[0].alertID != cancelled[0].alertID)
        #expect(s.feed(15, at: sec(99)).isEmpty)
        #expect(s.feed(15, at: sec(100)).kinds == [.activated])
    }

    @Test func severityChangesInsidePendingAreReportedOnActivation() {
        var s = Scenario([testRule(Self.above10, on: sec(60))])
        s.feed(15, at: sec(0))
        #expect(s.feed(25, at: sec(10)).isEmpty)
        let active = s.feed(25, at: sec(60))
        #expect(active[0].severity == .critical && active[0].threshold == 20)
    }

    @Test func offDelayHoldsTheAlertAndAReturnContinuesTheEpisode() {
        var s = Scenario([testRule(Self.above10, off: sec(120))])
        let active = s.feed(15, at: sec(0))
        #expect(s.feed(5, at: sec(10)).isEmpty)
        #expect(s.feed(15, at: sec(60)).isEmpty)  // back inside the off-delay: same episode, no event
        #expect(s.feed(5, at: sec(70)).isEmpty)
        #expect(s.advance(to: sec(189)).isEmpty)  // off-delay restarted at 70 s
        let cleared = s.advance(to: sec(190))
        #expect(cleared.kinds == [.cleared] && cleared[0].alertID == active[0].alertID && cleared[0].time == sec(190))
        s.checkRebuild()
    }

    @Test func severityChangeDuringOffDelayIsAnEventOfTheSameEpisode() {
        var s = Scenario([testRule(Self.above10, off: sec(120))])
        let active = s.feed(15, at: sec(0))
        s.feed(5, at: sec(10))
        let up = s.feed(25, at: sec(20))
        #expect(up.kinds == [.severityChanged] && up[0].alertID == active[0].alertID)
    }

    @Test func offDelayCompletesWhenAReadingArrivesLate() {
        var s = Scenario([testRule(Self.above10, off: sec(30))])
        s.feed(15, at: sec(0))
        s.feed(5, at: sec(10))
        let cleared = s.feed(5, at: sec(100))
        #expect(cleared.kinds == [.cleared] && cleared[0].time == sec(40))
    }
}
