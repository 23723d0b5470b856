import Foundation
import GatewayCore
import Testing

@testable import GatewayStore

/// The buffer policy on a real SQLite file: what is deleted, in what order, how it is counted, and
/// that the per-series aggregates stay exact.
@Suite struct BufferKeeperTests {
    /// Rows of `series_stats` that disagree with a recount of `readings`, plus series without stats.
    func statsMismatches(_ store: ReadingStore) throws -> Int {
        let wrong = try store.scalarForTesting("""
            SELECT count(*) FROM series_stats s LEFT JOIN (
                SELECT series_id, count(*) c, min(ts) f, max(ts) l, min(value) mn, max(value) mx, sum(value) sm
                  FROM readings GROUP BY series_id) r ON r.series_id = s.series_id
             WHERE r.c IS NULL OR r.c != s.row_count OR r.f != s.first_ts OR r.l != s.last_ts
                OR r.mn != s.min_value OR r.mx != s.max_value OR abs(r.sm - s.sum_value) > 1e-6
            """)
        let missing = try store.scalarForTesting(
            "SELECT count(DISTINCT series_id) FROM readings WHERE series_id NOT IN (SELECT series_id FROM series_stats)")
        return (Int(wrong ?? "0") ?? -1) + (Int(missing ?? "0") ?? -1)
    }

    func count(_ store: ReadingStore, _ sql: String) throws -> Int { Int(try store.scalarForTesting(sql) ?? "") ?? -1 }

    /// Readings 0..<n on three devices; reading i has ts 1_000 + i, received 7 ms later, value i.
    func fill(_ store: ReadingStore, _ n: Int, mergedBelow: Int) throws {
        _ = try store.commit(IngestBatch(readings: (0..<mergedBelow).map {
            reading(device: "d\($0 % 3)", ts: 1_000 + EpochMillis($0), value: Double($0))
        }))
        _ = try store.mergeNow()
        _ = try store.commit(IngestBatch(readings: (mergedBelow..<n).map {
            reading(device: "d\($0 % 3)", ts: 1_000 + EpochMillis($0), value: Double($0))
        }))
    }

    @Test func retentionWithoutAnUplinkDeletesEveryReadingReceivedBeforeTheCutoff() throws {
        let dir = try TempDirectory()
        let store = try openStore(dir)
        try fill(store, 10, mergedBelow: 6)
        let keeper = try BufferKeeper(path: dir.database, synchronous: .normal, chunkRows: 2)
        // Received 1_007 … 1_016; cutoff 1_012 keeps the five received from 1_012 on.
        let policy = BufferPolicy(maxBytes: 1 << 40, retentionMillis: 1_000, dropOldestWhenFull: true, forwarding: false)
        let pass = try keeper.enforce(policy, now: 2_012)
        #expect(pass.deleted == BufferTotals(retentionDeleted: 5))
        #expect(try count(store, "SELECT count(*) FROM readings") + count(store, "SELECT count(*) FROM readings_recent") == 5)
        #expect(try count(store, "SELECT min(seq) FROM readings") == 6)
        #expect(try statsMismatches(store) == 0)
        #expect(try keeper.totals() == BufferTotals(retentionDeleted: 5))
        try keeper.close()
        try store.close()
    }

    @Test func aPassAskedToStopEndsAfterTheChunkInHandWithItsStatsExact() throws {
        let dir = try TempDirectory()
        let store = try openStore(dir)
        try fill(store, 10, mergedBelow: 10)
        let keeper = try BufferKeeper(path: dir.database, synchronous: .normal, chunkRows: 2)
        let policy = BufferPolicy(maxBytes: 1 << 40, retentionMillis: 1_000, dropOldestWhenFull: true, forwarding: false)
        // Every reading is past retention; the daemon is stopping after the first chunk.
        let pass = try keeper.enforce(policy, now: 10_000, shouldStop: { true })
        #expect(pass.deleted == BufferTotals(retentionDeleted: 2))
        #expect(try count(store, "SELECT count(*) FROM readings") == 8)
        #expect(try statsMismatches(store) == 0, "the deleted minimum was re-scanned before the pass ended")
        try keeper.close()
        try store.close()
    }

    @Test func retentionWithAnUplinkWaitsForTheForwardCursor() throws {
        let dir = try TempDirectory()
        let store = try openStore(dir)
        try fill(store, 10, mergedBelow: 10)
        let outbox = try ForwardOutbox(path: dir.database, synchronous: .normal)
        try outbox.save(ForwardCursors(readings: 3), now: 0)
        let keeper = try BufferKeeper(path: dir.database, synchronous: .normal)
        let policy = BufferPolicy(maxBytes: 1 << 40, retentionMillis: 1, dropOldestWhenFull: true, forwarding: true)
        #expect(try keeper.enforce(policy, now: 1_000_000).deleted == BufferTotals(retentionDeleted: 3))
        #expect(try count(store, "SELECT min(seq) FROM readings") == 4, "not forwarded yet: kept however old")
        try outbox.save(ForwardCursors(readings: 10), now: 0)
        #expect(try keeper.enforce(policy, now: 1_000_000).deleted == BufferTotals(retentionDeleted: 7))
        #expect(try count(store, "SELECT count(*) FROM readings") == 0)
        #expect(try count(store, "SELECT count(*) FROM series_stats") == 0)
        try keeper.close()
        try outbox.close()
        try store.close()
    }

    @Test func aFullStoreDropsTheOldestReadingsCountsEachOneAndKeepsEverythingElse() throws {
        let dir = try TempDirectory()
        let store = try openStore(dir)
        try store.commit(RuleOutput(alertEvents: [
            AlertHistoryEntry(alertID: "A1", time: 1, kind: "activated", state: "active_unack", actor: nil, note: nil, body: "{}", current: nil),
        ]))
        try fill(store, 30_000, mergedBelow: 20_000)
        let outbox = try ForwardOutbox(path: dir.database, synchronous: .normal)
        try outbox.save(ForwardCursors(readings: 1_000), now: 0)
        let keeper = try BufferKeeper(path: dir.database, synchronous: .normal, chunkRows: 1_000)
        let before = try keeper.usedBytes()
        let policy = BufferPolicy(maxBytes: before / 2, retentionMillis: 1 << 50, dropOldestWhenFull: true, forwarding: true)
        let pass = try keeper.enforce(policy, now: 2_000_000)
        #expect(!pass.full && pass.usedBytes <= before / 2)
        let left = try count(store, "SELECT count(*) FROM readings") + count(store, "SELECT count(*) FROM readings_recent")
        #expect(pass.deleted.dropped == 30_000 - left, "every dropped reading counted")
        #expect(pass.deleted.droppedUnforwarded == pass.deleted.dropped - 1_000, "the first 1,000 were forwarded")
        #expect(pass.deleted.retentionDeleted == 0)
        let oldestLeft = try count(store, "SELECT min(seq) FROM (SELECT seq FROM readings UNION ALL SELECT seq FROM readings_recent)")
        #expect(oldestLeft == pass.deleted.dropped + 1, "oldest first")
        #expect(try count(store, "SELECT count(*) FROM alert_history") == 1, "histories are never evicted")
        #expect(try statsMismatches(store) == 0)
        #expect(try keeper.totals() == pass.deleted)
        #expect(StoreConnection.fileSize(dir.database) < before, "freed pages go back to the file system")
        try keeper.close()
        try outbox.close()
        try store.close()
    }

    @Test func withoutDroppingAFullStoreIsReportedAndNothingIsDeleted() throws {
        let dir = try TempDirectory()
        let store = try openStore(dir)
        try fill(store, 2_000, mergedBelow: 1_000)
        let keeper = try BufferKeeper(path: dir.database, synchronous: .normal)
        let policy = BufferPolicy(maxBytes: 1_024, retentionMillis: 1 << 50, dropOldestWhenFull: false, forwarding: false)
        let pass = try keeper.enforce(policy, now: 2_000_000)
        #expect(pass.full && pass.deleted == BufferTotals())
        #expect(try count(store, "SELECT count(*) FROM readings") == 1_000)
        try keeper.close()
        try store.close()
    }
}
