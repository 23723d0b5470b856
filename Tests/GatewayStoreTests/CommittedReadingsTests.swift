import Foundation
import GatewayCore
import Testing

@testable import GatewayStore

/// A commit asked for its readings hands back exactly what it stored, with seqs, so that the
/// stages after the store can take them from memory (`CommittedReadings`).
@Suite("Committed readings")
struct CommittedReadingsTests {
    @Test func aCommitReturnsWhatItStoredWithSeqsAndNotItsDuplicates() throws {
        let dir = try TempDirectory()
        let store = try openStore(dir)
        defer { try? store.close() }
        let first = try #require(try store.commit(
            IngestBatch(readings: [reading(ts: 1_000), reading(ts: 2_000), reading(metric: "flow", ts: 1_000, unit: "m3/h")]),
            returningReadings: true
        ).committed)
        #expect(first.afterSeq == 0)
        #expect(first.readings.map(\.seq) == [1, 2, 3])
        #expect(first.readings.map(\.metric) == ["pressure", "pressure", "flow"])

        // A duplicate and a new reading: only the new one comes back, after the last seq.
        let second = try #require(try store.commit(
            IngestBatch(readings: [reading(ts: 2_000), reading(ts: 3_000)]), returningReadings: true
        ).committed)
        // The skipped duplicate used up seq 4 (AUTOINCREMENT), so the new reading has seq 5.
        #expect(second.afterSeq == 3 && second.readings.map(\.seq) == [5] && second.throughSeq == 5)
        #expect(first.followed(by: second)?.readings.map(\.seq) == [1, 2, 3, 5])
        #expect(second.followed(by: first) == nil, "a gap is never papered over")

        // What the store reads back for a consumer at seq 0 is what the commits returned.
        #expect(try store.readings(afterSeq: 0, limit: 10) == first.readings + second.readings)
        // Without asking, nothing is collected.
        #expect(try store.commit(IngestBatch(readings: [reading(ts: 4_000)])).committed == nil)
    }

    @Test func aCommitOfOnlyDuplicatesStillSaysThroughWhichSeq() throws {
        let dir = try TempDirectory()
        let store = try openStore(dir)
        defer { try? store.close() }
        try store.commit(IngestBatch(readings: [reading(ts: 1_000)]))
        try store.mergeNow()
        let merged = try #require(try store.commit(IngestBatch(readings: [reading(ts: 1_000)]), returningReadings: true).committed)
        #expect(merged.afterSeq == 1 && merged.readings.isEmpty && merged.throughSeq == 1, "found by the probe: no seq used")
        let recent = try #require(try store.commit(
            IngestBatch(readings: [reading(ts: 2_000), reading(ts: 2_000)]), returningReadings: true).committed)
        #expect(recent.readings.map(\.seq) == [2])
        let skipped = try #require(try store.commit(IngestBatch(readings: [reading(ts: 2_000)]), returningReadings: true).committed)
        #expect(skipped.readings.isEmpty && skipped.afterSeq == recent.throughSeq)
        let last = try store.lastSeq()
        #expect(skipped.throughSeq == last, "a consumer moving to throughSeq skips nothing it should see")
    }
}
