import Foundation
import GatewayCore
import Testing

@testable import GatewayStore

/// Wall-clock steps against retention (issue 6, "wall-clock jumps"): the clock is injected (`now`
/// and the monotonic `elapsed` are arguments), so every step is exact and the machine's clock is
/// never touched.
@Suite struct RetentionClockGuardTests {
    let hour: EpochMillis = 3_600_000
    let year: EpochMillis = 365 * 86_400_000
    let t0: EpochMillis = 1_795_766_400_000

    func count(_ store: ReadingStore) throws -> Int {
        Int(try store.scalarForTesting("SELECT (SELECT count(*) FROM readings) + (SELECT count(*) FROM readings_recent)") ?? "") ?? -1
    }

    /// 100 readings received one minute apart, reading i at `t0 - 6_000_000 + 30_000 + i min`
    /// (half a minute off the cutoffs below, so that each boundary is clear-cut).
    func fill(_ store: ReadingStore) throws {
        _ = try store.commit(IngestBatch(readings: (0..<100).map { i in
            var r = reading(device: "d\(i % 3)", ts: t0 - 6_000_000 + 30_000 + EpochMillis(i) * 60_000, value: Double(i))
            r.receivedAt = r.timestamp
            return r
        }))
    }

    @Test func theRuleAllowsTwiceTheElapsedTimePlusSlackAndFollowsBackwardStepsAtOnce() {
        #expect(RetentionClockGuard.cutoff(wanted: 500, previous: nil, elapsed: nil) == 500, "first pass ever: the clock as it stands")
        let slack = RetentionClockGuard.slackMillis
        #expect(RetentionClockGuard.cutoff(wanted: 10 * year, previous: 0, elapsed: .seconds(5)) == 10_000 + slack)
        #expect(RetentionClockGuard.cutoff(wanted: 10 * year, previous: 0, elapsed: nil) == slack, "a restart allows only the slack")
        #expect(RetentionClockGuard.cutoff(wanted: -hour, previous: 0, elapsed: .seconds(5)) == -hour, "backwards: at once")
        #expect(RetentionClockGuard.cutoff(wanted: 5_000, previous: 0, elapsed: .seconds(5)) == 5_000, "steady: unchanged")
    }

    @Test func aTenYearJumpDeletesNothingBeyondRealTimeNorAfterARestart() throws {
        let dir = try TempDirectory()
        let store = try openStore(dir)
        try fill(store)
        let policy = BufferPolicy(maxBytes: 1 << 40, retentionMillis: hour, dropOldestWhenFull: true, forwarding: false)
        var keeper = try BufferKeeper(path: dir.database, synchronous: .normal)
        // Steady: at t0 retention deletes what was received more than an hour before (40 readings).
        #expect(try keeper.enforce(policy, now: t0, elapsed: nil).deleted.retentionDeleted == 40)
        #expect(try count(store) == 60)
        // +10 years, five seconds of real time later: a naive cutoff would delete all 60.
        let jumped = try keeper.enforce(policy, now: t0 + 10 * year, elapsed: .seconds(5))
        #expect(jumped.deleted.retentionDeleted == 1, "only what real time (2 × 5 s + 60 s slack) made old")
        #expect(jumped.retentionHeldBackMillis > 9 * year)
        #expect(try count(store) == 59)
        // A restart under the jumped clock: the saved cutoff still holds.
        try keeper.close()
        keeper = try BufferKeeper(path: dir.database, synchronous: .normal)
        #expect(try keeper.enforce(policy, now: t0 + 10 * year, elapsed: nil).deleted.retentionDeleted == 1)
        #expect(try count(store) == 58)
        // The clock is corrected (a step back of 10 years): nothing more is deleted, and retention
        // goes on from real time.
        #expect(try keeper.enforce(policy, now: t0 + 5_000, elapsed: .seconds(5)).deleted.retentionDeleted == 0)
        #expect(try keeper.enforce(policy, now: t0 + 20 * 60_000, elapsed: .seconds(20 * 60)).deleted.retentionDeleted == 18)
        #expect(try keeper.totals().retentionDeleted == 40 + 1 + 1 + 18)
        #expect(try count(store) == 40)
        try keeper.close()
        try store.close()
    }

    @Test func anHourBackThenForwardAgainNeverDeletesEarly() throws {
        let dir = try TempDirectory()
        let store = try openStore(dir)
        try fill(store)
        let policy = BufferPolicy(maxBytes: 1 << 40, retentionMillis: hour, dropOldestWhenFull: true, forwarding: false)
        let keeper = try BufferKeeper(path: dir.database, synchronous: .normal)
        #expect(try keeper.enforce(policy, now: t0, elapsed: nil).deleted.retentionDeleted == 40)
        #expect(try keeper.enforce(policy, now: t0 - hour, elapsed: .seconds(5)).deleted.retentionDeleted == 0)
        // Back to the right time five seconds later: the cutoff may only move 2 × 5 s + slack past
        // where the step back put it, i.e. still an hour behind.
        #expect(try keeper.enforce(policy, now: t0 + 5_000, elapsed: .seconds(5)).deleted.retentionDeleted == 0)
        #expect(try count(store) == 60)
        try keeper.close()
        try store.close()
    }
}
