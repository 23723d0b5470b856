import Foundation
import GatewayCore
import GatewayStore
import GatewayTestSupport
import Testing

/// A damaged store file under the real daemon: found at start (a zeroed header) or by the
/// background integrity check after a `kill -9` (random bytes in its pages). Either way the file is
/// moved aside, a fresh store starts, a critical `gateway.store_recovered` alert says where the
/// old file went, ingest carries on — and the daemon does not restart again and again.
@Suite struct StoreRecoveryTests {
    static func movedAside(_ harness: GatewayHarness) -> [String] {
        let folder = harness.directory.file("state").path
        return ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [])
            .filter { $0.contains(".corrupt-") && !$0.hasSuffix("-wal") && !$0.hasSuffix("-shm") }
            .map { folder + "/" + $0 }
    }

    static func recoveredAlert(_ harness: GatewayHarness) -> AlertRow? {
        (try? harness.reader().alerts(AlertFilter(states: [])))?.first { $0.ruleID == "gateway.store_recovered" }
    }

    static func overwrite(_ path: String, at offset: UInt64, with bytes: [UInt8]) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.seek(toOffset: offset)
        try handle.write(contentsOf: Data(bytes))
    }

    @Test func aZeroedHeaderAtStartIsMovedAsideAndIngestCarriesOn() throws {
        let harness = try GatewayHarness()
        try harness.startDaemon()
        let feed = try SequenceFeed(brokerURL: harness.broker.url, devices: 3)
        for i in 0..<30 { try feed.publish(i) }
        #expect(feed.finish())
        #expect(eventually(timeoutSeconds: 60) { harness.storedCount() >= 30 })
        #expect(harness.stopDaemon() == 0)
        let generation = try harness.reader().generation

        try Self.overwrite(harness.databasePath, at: 0, with: Array(repeating: 0, count: 100))
        try harness.startDaemon()
        #expect(eventually(timeoutSeconds: 30) { Self.recoveredAlert(harness) != nil }, "\(harness.logs())")
        let alert = try #require(Self.recoveredAlert(harness))
        #expect(alert.severity == "critical" && alert.state == "active_unack")
        let moved = Self.movedAside(harness)
        #expect(moved.count == 1)
        #expect(try harness.reader().generation != generation)
        let history = try harness.reader().alertHistory(id: alert.id)
        #expect(history.first?.note?.contains(try #require(moved.first)) == true, "the alert says where the file went")

        let more = try SequenceFeed(brokerURL: harness.broker.url, devices: 3)
        for i in 30..<60 { try more.publish(i) }
        #expect(more.finish())
        #expect(eventually(timeoutSeconds: 60) { harness.storedCount() >= 30 }, "the fresh store takes readings")
        #expect(harness.daemon?.isRunning == true)
        #expect(harness.stopDaemon() == 0)

        // The operator's check: the moved file is damaged, the fresh one is sound.
        let damaged = try runCtl(["store", "check", "--database", try #require(moved.first)], in: harness.directory)
        #expect(damaged.status == 1, "\(damaged.stdout)\(damaged.stderr)")
        let sound = try runCtl(["store", "check", "--config", harness.configPath], in: harness.directory)
        #expect(sound.status == 0 && sound.stdout.contains("ok"), "\(sound.stdout)\(sound.stderr)")
    }

    @Test func damageFoundByTheCheckAfterAKillRestartsOnAFreshStoreOnce() throws {
        let harness = try GatewayHarness()
        try harness.startDaemon()
        let feed = try SequenceFeed(brokerURL: harness.broker.url, devices: 50)
        for i in 0..<20_000 { try feed.publish(i) }
        #expect(feed.finish())
        #expect(eventually(timeoutSeconds: 120) { harness.storedCount() >= 20_000 })
        harness.killDaemon()
        // Pages newer than the last checkpoint live in the WAL, which SQLite reads in preference to
        // the main file: checkpoint first (as the next open would), so the damage is not hidden.
        let checkpoint = try ChildProcess(
            executable: URL(fileURLWithPath: "/usr/bin/sqlite3"), arguments: [harness.databasePath, "PRAGMA wal_checkpoint(TRUNCATE);"],
            stderrURL: harness.directory.file("checkpoint.err"))
        #expect(checkpoint.waitForExit(timeoutSeconds: 60) == 0, "\(checkpoint.stderrText())")
        // Random bytes over every third page past the first few (the readings and their indexes);
        // the header and schema pages stay intact, so the file still opens.
        let size = try #require(try FileManager.default.attributesOfItem(atPath: harness.databasePath)[.size] as? NSNumber).uint64Value
        var generator = SeededGenerator(seed: 7)
        for page in stride(from: UInt64(8), to: size / 4096 - 1, by: 3) {
            try Self.overwrite(
                harness.databasePath, at: page * 4096 + 64, with: (0..<512).map { _ in UInt8.random(in: 0...255, using: &generator) })
        }

        try harness.startDaemon()
        #expect(eventually(timeoutSeconds: 120) { Self.recoveredAlert(harness) != nil }, "\(harness.logs())")
        let logs = harness.logs()
        #expect(logs.contains("store.integrity_check_started"))
        #expect(logs.contains("gateway.restarting"))
        #expect(Self.movedAside(harness).count == 1)
        #expect(harness.daemon?.isRunning == true, "restarted in-process, still running")

        let more = try SequenceFeed(brokerURL: harness.broker.url, devices: 5)
        for i in 0..<50 { try more.publish(i) }
        #expect(more.finish())
        #expect(eventually(timeoutSeconds: 60) { harness.storedCount() >= 50 })
        #expect(harness.stopDaemon() == 0)
        #expect(Self.movedAside(harness).count == 1, "one recovery, no loop")
        #expect(harness.logs().components(separatedBy: "gateway.restarting").count == 2, "restarted exactly once")
    }
}
