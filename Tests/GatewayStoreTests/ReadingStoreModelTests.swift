import Foundation
import GatewayCore
import Testing

@testable import GatewayStore

/// Random sequences of commit / failing commit / merge / maintenance / reopen, compared after every
/// step with a trivial in-memory model: a dictionary of natural keys in first-stored order.
@Suite("ReadingStore model")
struct ReadingStoreModelTests {
    struct Model {
        var values: [String: Double] = [:]
        var order: [String] = []
        var quarantined = 0
        var events = 0
    }

    @Test(arguments: [1, 2, 3, 4] as [UInt64])
    func randomActionsMatchTheModel(seed: UInt64) throws {
        let dir = try TempDirectory()
        var rng = SeededGenerator(seed: seed)
        var store = try openStore(dir, threshold: 7, chunkRows: 2)
        try store.executeForTesting(
            """
            CREATE TRIGGER inject_failure BEFORE INSERT ON readings_recent WHEN NEW.value = 666
            BEGIN SELECT RAISE(ABORT, 'injected failure'); END
            """)
        var model = Model()
        let devices = ["d0", "d1", "d2"]
        let metrics = [("pressure", "kPa"), ("flow", "m3/h")]

        func randomReading() -> Reading {
            let (metric, unit) = metrics[rng.below(metrics.count)]
            // A small key space: duplicates, late data below the watermark and new data all occur.
            return reading(
                device: devices[rng.below(devices.count)], metric: metric, ts: EpochMillis(rng.below(40)) * 1000,
                value: Double(rng.below(1000)), unit: unit, topic: "t/\(rng.below(4))")
        }

        for step in 0..<300 {
            let action = rng.below(100)
            switch action {
            case 0..<55:
                let batch = IngestBatch(
                    readings: (0..<rng.below(9)).map { _ in randomReading() },
                    quarantined: rng.below(5) == 0
                        ? [QuarantineRecord(receivedAt: 1, topic: "q", route: nil, reason: .malformed, message: "m", payload: [])] : [],
                    events: rng.below(8) == 0 ? [GatewayEvent(timestamp: 1, kind: .possibleDataGap, message: "g")] : [])
                var expected = CommitResult(quarantined: batch.quarantined.count, events: batch.events.count)
                for r in batch.readings {
                    if model.values[r.key] == nil {
                        model.values[r.key] = r.value
                        model.order.append(r.key)
                        expected.stored += 1
                    } else {
                        expected.duplicates += 1
                    }
                }
                model.quarantined += expected.quarantined
                model.events += expected.events
                #expect(try store.commit(batch) == expected, "step \(step)")
            case 55..<62:
                var readings = (0..<rng.below(4)).map { _ in randomReading() }
                var doomed = reading(device: "d\(3 + rng.below(3))", ts: EpochMillis(rng.below(40)) * 1000, value: 666)
                doomed.topic = "t/new-\(step)"
                readings.insert(doomed, at: rng.below(readings.count + 1))
                #expect(throws: StoreError.self, "step \(step)") {
                    try store.commit(IngestBatch(readings: readings, events: [GatewayEvent(timestamp: 1, kind: .sessionCreated, message: "x")]))
                }
            case 62..<77:
                try store.mergeNow()
            case 77..<90:
                try store.maintenanceIfDue()
            default:
                try store.close()
                store = try openStore(dir, threshold: 7, chunkRows: 2)
            }

            let reader = try StoreReader(path: dir.database)
            let stored = try allReadings(reader)
            #expect(stored.map(\.key) == model.order, "step \(step)")
            #expect(stored.allSatisfy { model.values[$0.key] == $0.value }, "step \(step)")
            let counts = try reader.counts()
            #expect(counts.readings == model.order.count && counts.recentReadings + counts.mainReadings == counts.readings)
            #expect(counts.quarantined == model.quarantined && counts.events == model.events, "step \(step)")
            #expect(counts.series <= devices.count * metrics.count, "step \(step): a failed commit left a series")
            if step % 10 == 0 {
                // The summary (main tier from series_stats, hot tier aggregated) agrees with the model.
                let summary = try reader.summary()
                let modelMetrics = Set(model.order.map { $0.split(separator: "@")[0].split(separator: "/")[3] }.map(String.init))
                #expect(Set(summary.map(\.metric)) == modelMetrics, "step \(step)")
                for row in summary {
                    let keys = model.order.filter { $0.hasPrefix("water/") && $0.contains("/\(row.metric)@") }
                    let values = keys.map { model.values[$0]! }
                    let times = keys.map { EpochMillis($0.split(separator: "@").last!)! }
                    #expect(row.count == keys.count, "step \(step) \(row.metric)")
                    #expect(row.minValue == values.min() && row.maxValue == values.max(), "step \(step)")
                    #expect(row.firstTimestamp == times.min() && row.lastTimestamp == times.max(), "step \(step)")
                    #expect(abs(row.meanValue - values.reduce(0, +) / Double(values.count)) < 1e-9, "step \(step)")
                }
            }
        }
        try store.close()
    }
}

