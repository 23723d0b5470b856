import Foundation
import GatewayAlerting
import GatewayCore
import GatewayStore
import GatewayTestSupport
import Testing

/// Event time between readings runs at wall-clock speed from the latest reading, so a feed that
/// arrives late (a backlog, a batch upload, a replay, an accelerated simulation) keeps its delays.
@Suite struct RulesStageEventClockTests {
    typealias Setup = RulesStageTests.Setup

    /// One pressure reading of device p-1 with event time `ts`, received at the clock's now.
    static func commit(_ setup: Setup, _ value: Double, at ts: EpochMillis) throws {
        try setup.store.commit(IngestBatch(readings: [Reading(
            utility: .water, site: "north", device: "p-1", metric: "pressure", value: value, unit: "kPa",
            timestamp: ts, receivedAt: setup.clock.now(), quality: [], topic: "w/north/p-1")]))
    }

    @Test func aBackdatedFeedKeepsItsOnDelayWhileTheStageIsIdle() throws {
        let setup = try Setup()
        let stage = try setup.stage()
        let dayAgo = RulesStageTests.start - 86_400_000
        try Self.commit(setup, 120, at: dayAgo)  // below 140 kPa: the 60 s on-delay starts
        try stage.catchUp()
        setup.clock.set(RulesStageTests.start + 30_000)
        try stage.tick()
        #expect(try setup.history() == ["pending"], "30 s of wall time are 30 s of event time, not a day")
        try Self.commit(setup, 300, at: dayAgo + 40_000)  // recovered inside the on-delay
        try stage.catchUp()
        setup.clock.set(RulesStageTests.start + 120_000)
        try stage.tick()
        #expect(try setup.history() == ["pending", "pending_cancelled"], "a blip shorter than the delay never fires")
    }

    @Test func aConditionThatHoldsFiresOnceTheDelayHasPassedInWallTime() throws {
        let setup = try Setup()
        let stage = try setup.stage()
        try Self.commit(setup, 120, at: RulesStageTests.start - 3_600_000)
        try stage.catchUp()
        setup.clock.set(RulesStageTests.start + 59_000)
        try stage.tick()
        #expect(try setup.history() == ["pending"])
        setup.clock.set(RulesStageTests.start + 61_000)
        try stage.tick()
        #expect(try setup.history() == ["pending", "activated"])
    }
}
