import Foundation
import GatewayCore
import Testing

@testable import GatewayStore

@Suite("ReadingStore")
struct ReadingStoreTests {
    @Test func migrationsCreateTheSchema() throws {
        let dir = try TempDirectory()
        let store = try openStore(dir)
        let tables = try store.scalarForTesting(
            "SELECT group_concat(name, ',') FROM (SELECT name FROM sqlite_master WHERE type IN ('table', 'view') "
                + "AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'grdb_%' ORDER BY name)")
        #expect(
            tables == "alert_history,alerts,buffer_counters,events,forward_cursor,meta,quarantine,readings,readings_all,readings_recent,rule_state,"
                + "series,series_stats,ticket_history,tickets,topics")
        #expect(try store.scalarForTesting("PRAGMA journal_mode") == "wal")
        #expect(try store.scalarForTesting("PRAGMA synchronous") == "1")  // NORMAL
        #expect(try store.metaValue("schema") == "utility-gateway-store")
        #expect(StoreMigrations.migrator().migrations == StoreMigrations.known)
        try store.close()

        let full = try openStore(dir, synchronous: .full)
        #expect(try full.scalarForTesting("PRAGMA synchronous") == "2")  // FULL
        try full.close()
    }

    @Test func autoVacuumIsIncremental() throws {
        let dir = try TempDirectory()
        let store = try openStore(dir)
        #expect(try store.scalarForTesting("PRAGMA auto_vacuum") == "2")  // INCREMENTAL
        try store.close()
        let reopened = try openStore(dir)
        #expect(try reopened.scalarForTesting("PRAGMA auto_vacuum") == "2")
        try reopened.close()
    }

    @Test func generationIsRandomPerDatabaseAndStableAcrossReopen() throws {
        let first = try TempDirectory()
        let second = try TempDirectory()
        let a = try openStore(first)
        let b = try openStore(second)
        #expect(a.generation.count == 32)
        #expect(a.generation.allSatisfy { $0.isHexDigit && !$0.isUppercase })
        #expect(a.generation != b.generation)
        let generation = a.generation
        try a.close()
        try b.close()
        let again = try openStore(first)
        #expect(again.generation == generation)
        #expect(try StoreReader(path: first.database).generation == generation)
        try again.close()
    }

    @Test func sequenceNumbersIncreaseAcrossCommitsMergesReopensAndAreNeverReused() throws {
        let dir = try TempDirectory()
        var store = try openStore(dir)
        var ts: EpochMillis = 1_000
        func commitSome(_ count: Int) throws {
            let batch = (0..<count).map { i in reading(device: "dev-\(i % 3)", ts: ts + EpochMillis(i)) }
            ts += 1_000
            #expect(try store.commit(IngestBatch(readings: batch)).stored == count)
        }
        try commitSome(5)
        try commitSome(5)
        #expect(try store.mergeNow() == 10)
        try commitSome(4)
        try store.close()
        store = try openStore(dir)
        try commitSome(3)
        #expect(try store.mergeNow() == 7)
        try store.close()
        store = try openStore(dir)  // hot tier empty: AUTOINCREMENT must still continue
        try commitSome(2)

        let seqs = try allReadings(StoreReader(path: dir.database)).map { $0.seq! }
        #expect(seqs == Array(1...19))

        // Delete the newest rows of both tiers: their seqs must not come back.
        try store.executeForTesting("DELETE FROM readings_recent")  // seqs 18, 19
        try store.executeForTesting("DELETE FROM readings WHERE seq > 15")  // seqs 16, 17
        try commitSome(1)
        try store.mergeNow()
        try store.close()
        store = try openStore(dir)
        try commitSome(1)
        let after = try allReadings(StoreReader(path: dir.database)).map { $0.seq! }
        #expect(after == Array(1...15) + [20, 21])
        try store.close()
    }

    @Test func duplicatesAreCountedInBothTiersAndWithinABatch() throws {
        let dir = try TempDirectory()
        let store = try openStore(dir)
        let first = reading(ts: 10_000, value: 1)
        let again = reading(ts: 10_000, value: 2)  // same natural key, different value: first wins

        #expect(try store.commit(IngestBatch(readings: [first, again])) == CommitResult(stored: 1, duplicates: 1))
        #expect(try store.commit(IngestBatch(readings: [again])) == CommitResult(stored: 0, duplicates: 1))
        try store.mergeNow()
        // Now the first copy is in the main tier, at the watermark.
        #expect(try store.commit(IngestBatch(readings: [again])) == CommitResult(stored: 0, duplicates: 1))
        // Older, never seen: stored although below the watermark.
        #expect(try store.commit(IngestBatch(readings: [reading(ts: 5_000)])) == CommitResult(stored: 1))
        // Another series at the same ts is a different reading.
        #expect(try store.commit(IngestBatch(readings: [reading(metric: "flow", ts: 10_000, unit: "m3/h")])).stored == 1)
        // Duplicate of a merged row after a reopen (watermark reloaded from meta).
        try store.close()
        let reopened = try openStore(dir)
        #expect(try reopened.commit(IngestBatch(readings: [again])) == CommitResult(stored: 0, duplicates: 1))

        let stored = try allReadings(StoreReader(path: dir.database))
        #expect(stored.count == 3)
        #expect(stored.first { $0.timestamp == 10_000 && $0.metric == "pressure" }?.value == 1)
        try reopened.close()
    }

    @Test func storeRefusesNonFiniteValuesAndUnitChangesIntoQuarantine() throws {
        let dir = try TempDirectory()
        let store = try openStore(dir)
        let result = try store.commit(
            IngestBatch(readings: [
                reading(ts: 1, value: 3),
                reading(ts: 2, value: .nan),
                reading(ts: 3, value: 4, unit: "bar"),
                reading(ts: 4, value: .infinity),
            ]))
        #expect(result == CommitResult(stored: 1, duplicates: 0, quarantined: 3))
        let reader = try StoreReader(path: dir.database)
        let refused = try reader.quarantine(QuarantineFilter())
        #expect(refused.count == 3)
        #expect(refused.allSatisfy { $0.record.reason == .invalidValue && $0.record.route == nil })
        #expect(refused.contains { $0.record.message.contains("unit 'bar'") })
        try store.close()
    }

    @Test func failedCommitLeavesNothingAndCachesStayConsistent() throws {
        let dir = try TempDirectory()
        let store = try openStore(dir)
        try store.commit(IngestBatch(readings: [reading(device: "known", ts: 1)]))
        try store.executeForTesting(
            """
            CREATE TRIGGER inject_failure BEFORE INSERT ON readings_recent WHEN NEW.value = 666
            BEGIN SELECT RAISE(ABORT, 'injected failure'); END
            """)
        let doomed = IngestBatch(
            readings: [reading(device: "new-a", ts: 2, topic: "t/new-a"), reading(device: "new-a", ts: 3, value: 666)],
            quarantined: [QuarantineRecord(receivedAt: 5, topic: "t/x", route: nil, reason: .malformed, message: "m", payload: [1])],
            events: [GatewayEvent(timestamp: 5, kind: .possibleDataGap, message: "gap")])
        #expect {
            try store.commit(doomed)
        } throws: { error in
            (error as? StoreError)?.code == .sqlite && (error as? StoreError)?.message.contains("injected failure") == true
        }
        let reader = try StoreReader(path: dir.database)
        let counts = try reader.counts()
        #expect(counts.readings == 1 && counts.series == 1 && counts.quarantined == 0 && counts.events == 0)

        // A different new series and topic now take the ids the rolled-back ones had; if the cache
        // had kept those ids, "new-a" would be stored under "new-b"'s identity.
        try store.commit(IngestBatch(readings: [reading(device: "new-b", ts: 2, topic: "t/new-b")]))
        try store.commit(IngestBatch(readings: [reading(device: "new-a", ts: 2, topic: "t/new-a")]))
        let stored = try allReadings(reader)
        #expect(stored.map(\.device) == ["known", "new-b", "new-a"])
        #expect(stored.map(\.topic) == ["site-a/known/telemetry", "t/new-b", "t/new-a"])
        try store.close()
    }

    @Test func fullDiskFailsTheCommitWithNothingWrittenThenRecovers() throws {
        let dir = try TempDirectory()
        let store = try openStore(dir)
        try store.commit(IngestBatch(readings: [reading(ts: 1)]))
        let pages = try #require(store.scalarForTesting("PRAGMA page_count").flatMap(Int.init))
        try store.executeForTesting("PRAGMA max_page_count = \(pages + 4)")
        let big = IngestBatch(
            readings: (0..<2_000).map { reading(device: "dev-\($0 % 50)", ts: 100 + EpochMillis($0)) },
            quarantined: (0..<20).map { _ in
                QuarantineRecord(
                    receivedAt: 9, topic: "t", route: "r", reason: .malformed, message: "x",
                    payload: [UInt8](repeating: 0x41, count: 8_192))
            },
            events: [GatewayEvent(timestamp: 9, kind: .sessionCreated, message: "s")])
        #expect {
            try store.commit(big)
        } throws: { error in
            guard let error = error as? StoreError else { return false }
            return error.code == .diskFull && error.isDiskFull && error.sqliteResultCode == 13
                && error.operation == "commit" && error.path == dir.database
        }
        let reader = try StoreReader(path: dir.database)
        #expect(try reader.counts().readings == 1)
        #expect(try reader.counts().quarantined == 0)
        #expect(try reader.counts().events == 0)
        #expect(try reader.counts().series == 1)

        try store.executeForTesting("PRAGMA max_page_count = 1073741823")
        #expect(try store.commit(big) == CommitResult(stored: 2_000, duplicates: 0, quarantined: 20, events: 1))
        let stored = try allReadings(reader)
        #expect(stored.count == 2_001)
        #expect(Set(stored.map(\.device)).count == 50)
        try store.close()
    }

    @Test func mergeIsDueByRowCountOrAge() throws {
        let dir = try TempDirectory()
        let byCount = try openStore(dir, threshold: 3)
        #expect(try byCount.maintenanceIfDue() == false)  // empty
        try byCount.commit(IngestBatch(readings: [reading(ts: 1), reading(ts: 2)]))
        #expect(try byCount.maintenanceIfDue() == false)
        try byCount.commit(IngestBatch(readings: [reading(ts: 3)]))
        #expect(try byCount.maintenanceIfDue() == true)
        #expect(try byCount.maintenanceIfDue() == false)
        let counts = try StoreReader(path: dir.database).counts()
        #expect(counts.mainReadings == 3 && counts.recentReadings == 0)
        #expect(try byCount.metaValue("merge_watermark_ts") == "3")
        try byCount.close()

        let byAge = try openStore(dir, threshold: 1_000, maxAgeSeconds: 0)
        #expect(try byAge.maintenanceIfDue() == false)
        try byAge.commit(IngestBatch(readings: [reading(ts: 4)]))
        #expect(try byAge.maintenanceIfDue() == true)
        try byAge.close()
    }

    @Test func metaValuesRoundTripAndStoreKeysAreProtected() throws {
        let dir = try TempDirectory()
        let store = try openStore(dir)
        #expect(try store.metaValue("broker_session") == nil)
        try store.setMetaValue("broker_session", "established")
        try store.setMetaValue("broker_session", "established-2")
        #expect(try store.metaValue("broker_session") == "established-2")
        #expect(throws: StoreError.self) { try store.setMetaValue("generation", "x") }
        try store.close()
        #expect(try StoreReader(path: dir.database).metaValue("broker_session") == "established-2")
        #expect {
            try store.commit(IngestBatch(readings: [reading(ts: 1)]))
        } throws: { ($0 as? StoreError)?.code == .closed }
        try store.close()  // twice is fine
    }

    @Test func openingInAMissingFolderNamesThePath() throws {
        let path = NSTemporaryDirectory() + "no-such-folder-\(UUID().uuidString)/gateway.sqlite"
        #expect {
            try ReadingStore(path: path, synchronous: .normal, logger: quietLogger)
        } throws: { error in
            guard let error = error as? StoreError else { return false }
            return error.code == .cannotOpen && error.description.contains(path)
        }
    }
}

/// The hot tier is merged in chunks of whole series, one per `maintenanceIfDue()` call.
@Suite struct ChunkedMergeTests {
    @Test func aMergeMovesOneChunkOfWholeSeriesPerCallAndReadersSeeEveryRowOnce() throws {
        let dir = try TempDirectory()
        let store = try openStore(dir, threshold: 30, chunkRows: 10)
        defer { try? store.close() }
        // Six series of 5 rows each: chunks of two series (10 rows), three calls.
        let batch = (0..<30).map { reading(device: "d\($0 % 6)", ts: 1_000 + EpochMillis($0), value: Double($0)) }
        try store.commit(IngestBatch(readings: batch))
        let reader = try StoreReader(path: dir.database)
        for call in 1...3 {
            #expect(try store.maintenanceIfDue() == true, "call \(call)")
            let counts = try reader.counts()
            #expect(counts.mainReadings == 10 * call && counts.recentReadings == 30 - 10 * call, "call \(call): \(counts)")
            #expect(try allReadings(reader).count == 30, "every row once, in one tier or the other")
        }
        #expect(try store.maintenanceIfDue() == false, "merged; nothing due")
        // Readings committed during a merge stay for the next one; duplicates of moved rows are
        // still recognised (the watermark rose with each chunk).
        let again = try store.commit(IngestBatch(readings: [batch[0], reading(device: "d0", ts: 9_000)]))
        #expect(again.stored == 1 && again.duplicates == 1)
    }

    @Test func readingsCommittedBetweenChunksAreNotLostOrDoubled() throws {
        let dir = try TempDirectory()
        let store = try openStore(dir, threshold: 10, chunkRows: 4)
        defer { try? store.close() }
        try store.commit(IngestBatch(readings: (0..<12).map { reading(device: "d\($0 % 4)", ts: EpochMillis($0)) }))
        #expect(try store.maintenanceIfDue() == true)
        let reader = try StoreReader(path: dir.database)
        let first = try reader.counts().mainReadings
        #expect(first == 6, "two series of three rows: the first chunk reaching 4 rows")
        try store.commit(IngestBatch(readings: (12..<20).map { reading(device: "d\($0 % 4)", ts: EpochMillis($0)) }))
        #expect(try store.mergeNow() == 20 - first, "the rest of the merge in progress, then a merge of the newer rows")
        #expect(try reader.counts().recentReadings == 0)
        #expect(try allReadings(reader).map(\.timestamp).sorted() == (0..<20).map { EpochMillis($0) })
    }
}
