import Foundation
import GatewayCore
import Testing

@testable import GatewayStore

/// Seqs are never handed out twice, even when a power cut takes the last commits — and the
/// counter with them — back (`SeqReservation`).
@Suite("Seq reservation")
struct SeqReservationTests {
    /// The database files as they are now, copied into a new folder: what a power cut would leave
    /// if everything after this moment was lost (the writer is idle, so the copy is consistent).
    static func copyAsAfterPowerCut(_ dir: TempDirectory) throws -> TempDirectory {
        let copy = try TempDirectory()
        for suffix in ["", "-wal"] where FileManager.default.fileExists(atPath: dir.database + suffix) {
            try FileManager.default.copyItem(atPath: dir.database + suffix, toPath: copy.database + suffix)
        }
        return copy
    }

    @Test func afterTheLastCommitsAreLostTheNextSeqIsPastEverySeqHandedOut() throws {
        let dir = try TempDirectory()
        let store = try openStore(dir)
        try store.commit(IngestBatch(readings: [reading(ts: 1_000)]))
        let cut = try Self.copyAsAfterPowerCut(dir)  // seq 1 survives; what follows is "lost"
        for ts in 2...500 { try store.commit(IngestBatch(readings: [reading(ts: EpochMillis(ts) * 1_000)])) }
        let handedOut = try store.lastSeq()
        #expect(handedOut == 500)
        try store.close()

        let reopened = try openStore(cut)
        defer { try? reopened.close() }
        #expect(reopened.previousRunEndedUncleanly, "the marker became durable with the reservation")
        let next = try #require(try reopened.commit(IngestBatch(readings: [reading(ts: 9_000_000)]), returningReadings: true).committed)
        #expect(next.readings.map(\.seq!).allSatisfy { $0 > handedOut }, "seq \(next.readings.map(\.seq!)) was handed out before the cut")
        #expect(try reopened.readings(afterSeq: 0, limit: 10).map(\.timestamp) == [1_000, 9_000_000])
    }

    @Test func alertAndTicketHistoriesAreReservedToo() throws {
        let dir = try TempDirectory()
        let store = try openStore(dir)
        let event = AlertHistoryEntry(alertID: "A1", time: 1, kind: "activated", state: "active_unack", actor: nil, note: nil, body: "{}", current: nil)
        try store.commit(RuleOutput(alertEvents: [event]))
        let cut = try Self.copyAsAfterPowerCut(dir)
        for _ in 0..<20 { try store.commit(RuleOutput(alertEvents: [event])) }
        try store.close()
        let reopened = try openStore(cut)
        defer { try? reopened.close() }
        try reopened.commit(RuleOutput(alertEvents: [event]))
        let seqs = try reopened.queue.read { db in try Int64.fetchAll(db, sql: "SELECT seq FROM alert_history ORDER BY seq") }
        #expect(seqs.count == 2 && seqs[1] > 21, "alert history seqs \(seqs)")
    }

    @Test func aCleanRestartContinuesWithoutAGap() throws {
        let dir = try TempDirectory()
        var store = try openStore(dir)
        try store.commit(IngestBatch(readings: [reading(ts: 1_000), reading(ts: 2_000)]))
        try store.close()
        store = try openStore(dir)
        defer { try? store.close() }
        #expect(!store.previousRunEndedUncleanly)
        let next = try #require(try store.commit(IngestBatch(readings: [reading(ts: 3_000)]), returningReadings: true).committed)
        #expect(next.readings.map(\.seq) == [3])
    }

    @Test func theSeqKeysOfMetaBelongToTheStore() throws {
        let dir = try TempDirectory()
        let store = try openStore(dir)
        defer { try? store.close() }
        #expect(throws: StoreError.self) { try store.setMetaValue("seq_reserved.readings_recent", "0") }
    }
}
