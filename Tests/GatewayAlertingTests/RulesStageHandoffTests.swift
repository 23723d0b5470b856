import Foundation
import GatewayAlerting
import GatewayCore
import GatewayStore
import GatewayTestSupport
import Testing

/// How the rules stage takes what the store committed — from memory when it continues the stage's
/// cursor, from the store otherwise — and when it writes its cursor and state.
@Suite struct RulesStageHandoffTests {
    typealias Setup = RulesStageTests.Setup

    /// Pressure readings of device p-1, one a second, committed with their readings returned.
    static func commitReturning(_ setup: Setup, _ values: [Double], from offset: Int) throws -> CommittedReadings {
        let readings = values.enumerated().map { index, value in
            let ts = RulesStageTests.start + EpochMillis((offset + index) * 1000)
            return Reading(
                utility: .water, site: "north", device: "p-1", metric: "pressure", value: value, unit: "kPa",
                timestamp: ts, receivedAt: ts, quality: [], topic: "w/north/p-1")
        }
        return try #require(try setup.store.commit(IngestBatch(readings: readings), returningReadings: true).committed)
    }

    @Test func readingsThatContinueTheCursorAreEvaluatedFromMemory() throws {
        let setup = try Setup()
        let stage = try setup.stage()
        var committed = try Self.commitReturning(setup, Array(repeating: 300, count: 61), from: 0)
        // The store holds normal pressure; the copy handed over says 120 kPa. Only a stage that
        // evaluates what it was handed (rather than reading the store again) raises the alert.
        for index in committed.readings.indices { committed.readings[index].value = 120 }
        #expect(try stage.catchUp(committed: committed) == 61)
        #expect(try setup.history() == ["pending", "activated"])
        #expect(try stage.catchUp(committed: committed) == 0, "the cursor moved past it: nothing twice")
    }

    @Test func aStageBehindTheCommitReadsTheStoreFromItsCursor() throws {
        let setup = try Setup()
        let stage = try setup.stage()
        _ = try Self.commitReturning(setup, Array(repeating: 300, count: 10), from: 0)  // never handed over
        let latest = try Self.commitReturning(setup, Array(repeating: 120, count: 61), from: 10)
        #expect(latest.afterSeq == 10)
        #expect(try stage.catchUp(committed: latest) == 71, "the 10 it missed, then the 61")
        #expect(try setup.history() == ["pending", "activated"])
    }

    @Test func aCursorWithoutEventsWaitsForItsIntervalButEventsDoNot() throws {
        let setup = try Setup()
        let stage = try RulesStage(
            configuration: RulesStageTests.rules, store: setup.store, clock: setup.clock, flushInterval: .zero,
            stateFlushInterval: .seconds(3600), logger: RulesStageTests.logger)
        try stage.catchUp(committed: try Self.commitReturning(setup, Array(repeating: 300, count: 10), from: 0))
        #expect(try setup.store.ruleState("cursor") == nil, "no event: the cursor waits")
        try stage.catchUp(committed: try Self.commitReturning(setup, [120], from: 10))
        #expect(try setup.history() == ["pending"], "an event is written at once, with the cursor")
        #expect(try setup.store.ruleState("cursor") == Data("11".utf8))
        try stage.catchUp(committed: try Self.commitReturning(setup, Array(repeating: 300, count: 5), from: 11))
        #expect(try setup.history() == ["pending", "pending_cancelled"])
        try stage.catchUp(committed: try Self.commitReturning(setup, Array(repeating: 300, count: 5), from: 16))
        #expect(try setup.store.ruleState("cursor") == Data("16".utf8))
        try stage.finish()
        #expect(try setup.store.ruleState("cursor") == Data("21".utf8), "written when the gateway stops")
    }
}
