import Foundation
import GatewayCore
import GatewayStore
import GatewayTestSupport
import Testing

/// Issue 6, faults survived, done for real with the daemon binary: the local broker away for a
/// while, a store held at `buffer.max_bytes` by pausing ingest, and a file system that fills up.
/// Deadlines are generous "it never happened" bounds; nothing asserts how fast.
@Suite(.serialized) struct FaultEndToEndTests {
    @Test func localBrokerStoppedForAWhileIsRetriedWithBackoffThenResubscribedAndNothingAcknowledgedIsLost() throws {
        let harness = try GatewayHarness()
        try harness.startDaemon()
        let before = try SequenceFeed(brokerURL: harness.broker.url)
        for i in 0..<1_000 { try before.publish(i) }
        #expect(before.finish())
        harness.broker.stop()
        // Away long enough for several attempts: the backoff (100 ms … 1 s here) keeps trying.
        #expect(eventually(timeoutSeconds: 60) {
            harness.logs().components(separatedBy: "MQTT connect failed").count - 1 >= 4
        }, "\(harness.logs())")
        #expect(harness.daemon?.isRunning == true)
        let link = harness.statusJSON()?["broker"] as? [String: Any]
        #expect(link?["state"] as? String == "disconnected", "\(String(describing: link))")
        try harness.broker.start()
        let after = try SequenceFeed(brokerURL: harness.broker.url)
        for i in 1_000..<2_000 { try after.publish(i) }
        #expect(after.finish())
        let acknowledged = before.acknowledgedNumbers.union(after.acknowledgedNumbers)
        #expect(acknowledged.count == 2_000)
        #expect(eventually(timeoutSeconds: 120) { (try? Set(harness.storedValues())) == acknowledged },
                "missing: \(acknowledged.subtracting((try? harness.storedValues()) ?? []).sorted().prefix(20))\n\(harness.logs())")
        #expect(harness.logs().components(separatedBy: "mqtt.subscribed").count - 1 >= 2, "resubscribed after the broker came back")
        #expect(harness.stopDaemon() == 0)
    }

    @Test func pauseIngestStopsReadingWhenFullAndResumesByItselfWhenSpaceReturns() throws {
        var brokerConfiguration = MosquittoBroker.Configuration()
        brokerConfiguration.extraLines = ["sys_interval 1"]
        let harness = try GatewayHarness(
            broker: MosquittoBroker(configuration: brokerConfiguration),
            extra: "buffer: { max_bytes: 1MiB, when_full: pause_ingest }")
        try harness.startDaemon()
        let feed = try SequenceFeed(brokerURL: harness.broker.url)
        let total = 40_000
        feed.publishPaced(0..<total, perSecond: 3_000)
        var buffer: [String: Any] = [:]
        #expect(eventually(timeoutSeconds: 120) {
            buffer = harness.bufferStatus() ?? [:]
            return buffer["ingest_paused"] as? Bool == true
        }, "never paused: \(buffer)\n\(harness.logs())")
        #expect(buffer["dropped"] as? Int == 0 && buffer["when_full"] as? String == "pause_ingest")
        #expect(buffer["broker_dropped_messages"] as? Int != nil, "the broker's own drop counter is shown: \(buffer)")
        // The buffer policy asks for the pause; the ingest loop disconnects when it next looks.
        #expect(eventually(timeoutSeconds: 60) {
            (harness.statusJSON()?["broker"] as? [String: Any])?["state"] as? String == "disconnected"
        }, "paused means disconnected")
        #expect(harness.readingsStoredSinceStart() < total, "paused before the feed was done; the test proved something")
        // Space returns (an operator deletes old readings), as often as the store fills again; the
        // gateway resumes by itself each time. What the test deletes is recorded in the same
        // transaction, so that in the end every message is either in the store or was deleted.
        var frees = 0
        var deleted: Set<Int> = []
        #expect(eventually(timeoutSeconds: 240, pollMilliseconds: 200) {
            if harness.bufferStatus()?["ingest_paused"] as? Bool == true,
                let out = FaultSupport.sqlite(
                    harness.databasePath,
                    "BEGIN IMMEDIATE; SELECT CAST(value AS INTEGER) FROM readings_recent UNION ALL SELECT CAST(value AS INTEGER) FROM readings; "
                        + "DELETE FROM readings_recent; DELETE FROM readings; DELETE FROM series_stats; COMMIT;",
                    in: harness.directory)
            {
                frees += 1
                deleted.formUnion(out.split(separator: "\n").compactMap { Int($0) })
            }
            // Redelivered copies of messages whose first copy was deleted are stored again: >=.
            return harness.readingsStoredSinceStart() >= total
                && deleted.union((try? harness.storedValues()) ?? []).isSuperset(of: 0..<total)
        }, "stored \(harness.readingsStoredSinceStart()) of \(total)\n\(harness.logs().suffix(4000))")
        #expect(feed.finish())
        #expect(feed.acknowledgedNumbers.count == total)
        buffer = harness.bufferStatus() ?? [:]
        #expect((buffer["pauses"] as? Int ?? 0) >= 1 && frees >= 1, "\(buffer)")
        #expect(eventually(timeoutSeconds: 30) { harness.bufferStatus()?["ingest_paused"] as? Bool == false })
        let logs = harness.logs()
        #expect(logs.contains("buffer.ingest_paused") && logs.contains("buffer.ingest_resumed"))
        #expect(harness.stopDaemon() == 0, "\(harness.logs().suffix(3000))")
    }

    @Test(.enabled(if: geteuid() == 0, "mounting a small tmpfs needs root"))
    func aFullFileSystemFailsNoBatchHalfwayPausesAndRecoversByItselfWhenSpaceReturns() throws {
        let scratch = try TemporaryDirectory(prefix: "small-fs")
        let point = try #require(
            FaultSupport.mountTmpfs(megabytes: 24, in: scratch),
            "mount -t tmpfs is not permitted here; the store-level disk-full tests (max_page_count) still run")
        defer { FaultSupport.unmount(point) }
        let harness = try GatewayHarness(extra: "buffer: { when_full: pause_ingest }", stateDirectory: point + "/state")
        try harness.startDaemon()
        let filler = try FaultSupport.fill(point, leavingBytes: 2 << 20)
        let feed = try SequenceFeed(brokerURL: harness.broker.url)
        let total = 60_000
        feed.publishPaced(0..<total, perSecond: 4_000)
        var buffer: [String: Any] = [:]
        #expect(eventually(timeoutSeconds: 120) {
            buffer = harness.bufferStatus() ?? [:]
            return buffer["disk_full"] as? Bool == true && buffer["ingest_paused"] as? Bool == true
        }, "the full disk was not noticed: \(buffer)\n\(harness.logs().suffix(4000))")
        #expect(harness.logs().contains("store.disk_full"))
        #expect(harness.daemon?.isRunning == true, "no crash")
        // No half-written batch: the database is sound and holds whole batches only (checked by
        // the store's own tests); here: integrity, and nothing stored twice.
        #expect(FaultSupport.sqlite(harness.databasePath, "PRAGMA integrity_check;", readOnly: true, in: harness.directory) == "ok")
        try FileManager.default.removeItem(atPath: filler)
        #expect(eventually(timeoutSeconds: 240) { harness.readingsStoredSinceStart() == total },
                "stored \(harness.readingsStoredSinceStart()) of \(total)\n\(harness.logs().suffix(4000))")
        #expect(feed.finish())
        let values = try harness.storedValues()
        #expect(Set(values) == Set(0..<total) && values.count == total)
        buffer = harness.bufferStatus() ?? [:]
        #expect(buffer["disk_full"] as? Bool == false && (buffer["disk_full_episodes"] as? Int ?? 0) >= 1, "\(buffer)")
        #expect(eventually(timeoutSeconds: 30) { harness.bufferStatus()?["ingest_paused"] as? Bool == false })
        let commitFailures = (harness.statusJSON()?["ingest"] as? [String: Any])?["commit_failures"] as? Int ?? 0
        #expect(commitFailures >= 1, "the disk really was full for a commit")
        // The operators were told: a critical store.disk_full alert, cleared once space returned
        // (unacknowledged, it stays listed).
        #expect(eventually(timeoutSeconds: 60) {
            let alerts = (try? harness.reader().alerts(AlertFilter(states: []))) ?? []
            return alerts.contains { $0.ruleID == "store.disk_full" && $0.severity == "critical" && $0.state == "cleared_unack" }
        }, "\((try? harness.reader().alerts(AlertFilter(states: [])))?.map { "\($0.ruleID) \($0.state)" } ?? [])")
        #expect(harness.stopDaemon() == 0, "\(harness.logs().suffix(3000))")
    }

    @Test(.enabled(if: geteuid() == 0, "mounting a small tmpfs needs root"))
    func aFullFileSystemWithDropOldestKeepsRetryingAndRecoversByItselfWhenSpaceReturns() throws {
        let scratch = try TemporaryDirectory(prefix: "small-fs")
        let point = try #require(
            FaultSupport.mountTmpfs(megabytes: 24, in: scratch),
            "mount -t tmpfs is not permitted here; the store-level disk-full tests (max_page_count) still run")
        defer { FaultSupport.unmount(point) }
        let harness = try GatewayHarness(extra: "buffer: { when_full: drop_oldest_readings }", stateDirectory: point + "/state")
        try harness.startDaemon()
        let filler = try FaultSupport.fill(point, leavingBytes: 2 << 20)
        let feed = try SequenceFeed(brokerURL: harness.broker.url)
        let total = 30_000
        feed.publishPaced(0..<total, perSecond: 4_000)
        var buffer: [String: Any] = [:]
        #expect(eventually(timeoutSeconds: 120) {
            buffer = harness.bufferStatus() ?? [:]
            return buffer["disk_full"] as? Bool == true
        }, "the full disk was not noticed: \(buffer)\n\(harness.logs().suffix(4000))")
        #expect(harness.daemon?.isRunning == true, "no crash")
        // What filled the disk here is mostly the WAL (it grows to ~4 MiB before SQLite's automatic
        // checkpoint), which dropping readings cannot shrink: the policy's drop is tried, the
        // commit is retried at every reconnect (backoff), and ingest resumes once space is back.
        try FileManager.default.removeItem(atPath: filler)
        #expect(eventually(timeoutSeconds: 240) {
            let dropped = harness.bufferStatus()?["dropped"] as? Int ?? 0
            return (try? harness.storedValues()).map { Set($0).count + dropped >= total } ?? false
        }, "stored \(harness.storedCount()) of \(total)\n\(harness.logs().suffix(4000))")
        #expect(feed.finish())
        let values = try harness.storedValues()
        #expect(values.count == Set(values).count, "nothing stored twice")
        #expect(eventually(timeoutSeconds: 30) { harness.bufferStatus()?["disk_full"] as? Bool == false })
        #expect(FaultSupport.sqlite(harness.databasePath, "PRAGMA integrity_check;", readOnly: true, in: harness.directory) == "ok")
        #expect(harness.stopDaemon() == 0, "\(harness.logs().suffix(3000))")
    }
}
