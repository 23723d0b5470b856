import Foundation
import GatewayTestSupport
import Testing

/// `storage.sync_interval` (default 1 s) under the power-cut model: with `synchronous: normal` a
/// power cut loses at most about the last interval of acknowledged readings, however slow the feed.
/// Without it a slow feed stays unsynced until the hot tier's merge (60 s) or `wal_autocheckpoint`
/// (~300 one-reading commits): a cut after the 40 readings below would lose all of them.
///
/// The feed is one message at a time, each stored before the next and at least 100 ms apart, so
/// that "the last N readings" is a bound in time that needs no clock reading: 20 readings span at
/// least 2 s — the 1 s interval plus a second for the ingest loop's maintenance call (after every
/// commit, about once a second while idle) and a loaded CI machine.
@Suite(.serialized) struct PowerLossSyncIntervalTests {
    static let paced = 40
    static let window = 20

    @Test func aPowerCutLosesAtMostTheLastSyncIntervalOfASlowFeed() throws {
        let run = try PowerLossRun(synchronous: "normal")
        let harness = run.harness
        try run.start()
        let feed = try SequenceFeed(brokerURL: harness.broker.url)
        func publishStored(_ range: Range<Int>) throws {
            for i in range {
                let before = harness.storedCount()
                try feed.publish(i)
                #expect(eventually(timeoutSeconds: 60) { harness.storedCount() > before }, "message \(i) was not stored")
                Thread.sleep(forTimeInterval: 0.1)  // the pacing is the condition under test
            }
        }

        // Mid-stream: the cut right after the last reading of a slow feed was stored.
        try publishStored(0..<Self.paced)
        let midStream = try run.cutNow()
        #expect(midStream.integrity == "ok", "integrity_check said \(midStream.integrity ?? "nothing")")
        #expect(midStream.lossIsATail, "the image is not the store after an earlier commit")
        let lost = Set(midStream.lost.values)
        #expect(lost.allSatisfy { $0 >= Self.paced - Self.window },
                "the cut lost readings stored more than \(Self.window) readings (≥ 2 s) before it: \(lost.sorted())")

        // Idle: readings stored, then more than the interval without any, then the cut: nothing lost.
        try run.start()
        try publishStored(Self.paced..<(Self.paced + 10))
        Thread.sleep(forTimeInterval: 3)  // the interval passing is the condition under test
        let idle = try run.cutNow()
        #expect(idle.integrity == "ok", "integrity_check said \(idle.integrity ?? "nothing")")
        #expect(idle.lost.isEmpty, "readings stored 3 s before the cut were lost: \(idle.lost.values.sorted())")
        print("""
            power loss with sync_interval 1s: a cut right after \(Self.paced) readings at ≤ 10 a second lost \
            \(lost.count) (\(lost.sorted())); a cut 3 s after the last reading lost \(idle.lost.count)
            """)
        #expect(feed.finish())
    }
}
