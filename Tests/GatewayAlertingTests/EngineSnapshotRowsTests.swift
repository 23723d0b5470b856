import Foundation
import GatewayAlerting
import GatewayCore
import GatewayRules
import GatewayStore
import GatewayTestSupport
import Testing

/// The rules' snapshot is written as a header and chunks of series; a restart restores all of them
/// (and still reads a snapshot written inline by an earlier release).
@Suite struct EngineSnapshotRowsTests {
    typealias Setup = RulesStageTests.Setup

    /// One pressure reading per device for `devices` devices at `second`, device `low` reading 120 kPa.
    static func commitFleet(_ setup: Setup, devices: Int, second: Int, low: Int) throws {
        let ts = RulesStageTests.start + EpochMillis(second * 1000)
        let readings = (0..<devices).map { index in
            Reading(
                utility: .water, site: "north", device: "p-\(index)", metric: "pressure", value: index == low ? 120 : 300,
                unit: "kPa", timestamp: ts, receivedAt: ts, quality: [], topic: "w/north/p-\(index)")
        }
        _ = try setup.store.commit(IngestBatch(readings: readings))
    }

    @Test func aRestartContinuesEverySeriesOfEveryChunk() throws {
        let setup = try Setup()
        let devices = 250
        let low = 240  // a series in the third chunk (100 series a chunk)
        var stage = try setup.stage()
        for second in 0...30 {
            try Self.commitFleet(setup, devices: devices, second: second, low: low)
            try stage.catchUp()
        }
        try stage.finish()
        #expect(try setup.history() == ["pending"])
        for chunk in 0..<3 { #expect(try setup.store.ruleState("engine.series.\(chunk)") != nil) }
        #expect(try setup.store.ruleState("engine.series.3") == nil)
        try setup.restart()
        stage = try setup.stage()
        for second in 31...61 {
            try Self.commitFleet(setup, devices: devices, second: second, low: low)
            try stage.catchUp()
        }
        // The on-delay (60 s) began before the restart: only a restored third chunk completes it now.
        #expect(try setup.history() == ["pending", "activated"])
    }

    @Test func aSnapshotWithItsSeriesInlineIsStillRead() throws {
        let setup = try Setup()
        var engine = RuleEngine(configuration: RulesStageTests.rules)
        var events: [AlertEvent] = []
        for second in 0...30 {
            let ts = RulesStageTests.start + EpochMillis(second * 1000)
            engine.evaluate(
                Reading(
                    seq: Int64(second + 1), utility: .water, site: "north", device: "p-1", metric: "pressure", value: 120,
                    unit: "kPa", timestamp: ts, receivedAt: ts, quality: [], topic: "w/north/p-1"),
                into: &events)
        }
        try setup.store.commit(RuleOutput(state: ["engine": try JSONEncoder().encode(engine.state), "cursor": Data("31".utf8)]))
        let stage = try setup.stage()
        let readings = (31...61).map { second in
            let ts = RulesStageTests.start + EpochMillis(second * 1000)
            return Reading(
                utility: .water, site: "north", device: "p-1", metric: "pressure", value: 120, unit: "kPa",
                timestamp: ts, receivedAt: ts, quality: [], topic: "w/north/p-1")
        }
        for second in 0...30 { try setup.commit([300], from: second) }  // seqs 1…31, already evaluated
        _ = try setup.store.commit(IngestBatch(readings: readings))
        try stage.catchUp()
        // The inline snapshot's on-delay began at second 0: it completes at second 60.
        #expect(try setup.history() == ["activated"], "the pending event was the old engine's, never written")
    }
}
