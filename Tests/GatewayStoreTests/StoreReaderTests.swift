import Foundation
import GatewayCore
import Testing

@testable import GatewayStore

@Suite("StoreReader")
struct StoreReaderTests {
    /// Two devices × two metrics × 10 timestamps, the first 24 readings merged into the main tier.
    func fixture() throws -> (TempDirectory, ReadingStore, [Reading]) {
        let dir = try TempDirectory()
        let store = try openStore(dir)
        var all: [Reading] = []
        for t in 0..<10 {
            for device in ["pump-1", "pump-2"] {
                all.append(reading(device: device, metric: "pressure", ts: EpochMillis(t) * 1000, value: Double(t)))
                all.append(
                    reading(device: device, metric: "flow", ts: EpochMillis(t) * 1000, value: Double(t) * 10, unit: "m3/h"))
            }
        }
        try store.commit(IngestBatch(readings: Array(all.prefix(24))))
        try store.mergeNow()
        try store.commit(IngestBatch(readings: Array(all.dropFirst(24))))
        return (dir, store, all)
    }

    @Test func filtersWorkOverBothTiersNewestFirst() throws {
        let (dir, store, all) = try fixture()
        let reader = try StoreReader(path: dir.database)
        let counts = try reader.counts()
        #expect(counts.mainReadings == 24 && counts.recentReadings == 16 && counts.readings == 40)
        #expect(counts.lastSeq == 40)

        func expected(_ include: (Reading) -> Bool, limit: Int) -> [String] {
            Array(
                all.enumerated().filter { include($0.element) }
                    .sorted { ($0.element.timestamp, $0.offset) > ($1.element.timestamp, $1.offset) }
                    .prefix(limit).map(\.element.key))
        }
        let cases: [(ReadingFilter, (Reading) -> Bool)] = [
            (ReadingFilter(limit: 100), { _ in true }),
            (ReadingFilter(device: "pump-1", limit: 5), { $0.device == "pump-1" }),
            (ReadingFilter(device: "pump-2", metric: "flow"), { $0.device == "pump-2" && $0.metric == "flow" }),
            (ReadingFilter(metric: "pressure", since: 3000, until: 7000), { $0.metric == "pressure" && (3000..<7000).contains($0.timestamp) }),
            (ReadingFilter(utility: .water, site: "site-a", since: 5000, limit: 3), { $0.timestamp >= 5000 }),
            (ReadingFilter(utility: .power), { _ in false }),
            (ReadingFilter(device: "nobody"), { _ in false }),
            (ReadingFilter(until: 1000), { $0.timestamp < 1000 }),
        ]
        for (filter, include) in cases {
            let got = try reader.readings(filter)
            #expect(got.map(\.key) == expected(include, limit: filter.limit), "\(filter)")
        }
        // Every field comes back.
        let one = try #require(try reader.readings(ReadingFilter(device: "pump-2", metric: "flow", limit: 1)).first)
        #expect(
            one == Reading(
                seq: 40, utility: .water, site: "site-a", device: "pump-2", metric: "flow", value: 90, unit: "m3/h",
                timestamp: 9000, receivedAt: 9007, topic: "site-a/pump-2/telemetry"))
        #expect(throws: StoreError.self) { try reader.readings(ReadingFilter(limit: 0)) }
        try store.close()
    }

    @Test func broadFiltersWithLargeLimitsScanInsteadAndAgree() throws {
        let (dir, store, _) = try fixture()
        let reader = try StoreReader(path: dir.database)
        // 4 series × 300_000 > the scan budget: the other plan, same answer.
        let scanned = try reader.readings(ReadingFilter(limit: 300_000))
        let walked = try reader.readings(ReadingFilter(limit: 40))
        #expect(scanned.map(\.seq) == walked.map(\.seq))
        try store.close()
    }

    @Test func mergeDoesNotChangeWhatQueriesSee() throws {
        let (dir, store, _) = try fixture()
        let reader = try StoreReader(path: dir.database)
        let before = try reader.readings(ReadingFilter(limit: 1_000))
        try store.mergeNow()
        let after = try reader.readings(ReadingFilter(limit: 1_000))
        #expect(before == after)
        #expect(try reader.counts().recentReadings == 0)
        try store.close()
    }

    @Test func summaryAggregatesPerUtilityAndMetric() throws {
        let (dir, store, _) = try fixture()
        try store.commit(IngestBatch(readings: [reading(device: "meter-1", metric: "voltage", ts: 500, value: 230, unit: "V", utility: .power)]))
        let summary = try StoreReader(path: dir.database).summary()
        #expect(summary.map { "\($0.utility.rawValue)/\($0.metric)" } == ["power/voltage", "water/flow", "water/pressure"])
        let pressure = summary[2]
        #expect(pressure.count == 20 && pressure.devices == 2 && pressure.unit == "kPa")
        #expect(pressure.firstTimestamp == 0 && pressure.lastTimestamp == 9000)
        #expect(pressure.minValue == 0 && pressure.maxValue == 9 && pressure.meanValue == 4.5)
        #expect(summary[0].count == 1 && summary[0].meanValue == 230)
        try store.close()
    }

    @Test func quarantineAndEventsRoundTrip() throws {
        let dir = try TempDirectory()
        let store = try openStore(dir)
        let records = [
            QuarantineRecord(receivedAt: 100, topic: "a/1", route: nil, reason: .noRoute, message: "no route", payload: [0, 1, 2, 0]),
            QuarantineRecord(
                receivedAt: 200, topic: "b/2", route: "water-json", reason: .malformed, message: "bad JSON at 3",
                payload: Array("{\"x\":".utf8), payloadSize: 70_000),
            QuarantineRecord(receivedAt: 300, topic: "a/1", route: "r", reason: .malformed, message: "m", payload: []),
        ]
        let events = [
            GatewayEvent(timestamp: 150, kind: .sessionCreated, message: "first session"),
            GatewayEvent(timestamp: 250, kind: .possibleDataGap, message: "session-present = 0"),
        ]
        #expect(
            try store.commit(IngestBatch(quarantined: records, events: events))
                == CommitResult(stored: 0, duplicates: 0, quarantined: 3, events: 2))
        let reader = try StoreReader(path: dir.database)
        let all = try reader.quarantine(QuarantineFilter())
        #expect(all.map(\.record) == records.reversed())
        #expect(all.map(\.id) == [3, 2, 1])
        #expect(try reader.quarantine(QuarantineFilter(reason: .malformed)).map(\.id) == [3, 2])
        #expect(try reader.quarantine(QuarantineFilter(topic: "a/1", limit: 1)).map(\.id) == [3])
        #expect(try reader.quarantine(QuarantineFilter(since: 150, until: 300)).map(\.id) == [2])
        let stored = try reader.events(limit: 10)
        #expect(stored.map(\.event) == events.reversed())
        #expect(try reader.events(limit: 1).map(\.id) == [2])
        try store.close()
    }

    @Test func readerBesideAnOpenWriterSeesEachCommit() throws {
        let dir = try TempDirectory()
        let store = try openStore(dir)
        try store.commit(IngestBatch(readings: [reading(ts: 1)]))
        let reader = try StoreReader(path: dir.database)
        #expect(!reader.isImmutableSnapshot)
        #expect(try reader.counts().readings == 1)
        try store.commit(IngestBatch(readings: [reading(ts: 2)]))
        #expect(try reader.counts().readings == 2)
        try store.mergeNow()
        try store.commit(IngestBatch(readings: [reading(ts: 3)]))
        #expect(try reader.readings(ReadingFilter()).map(\.timestamp) == [3, 2, 1])
        #expect(try reader.generation == store.generation)
        try store.close()
    }

    @Test func readerOnAStoppedStoreCreatesNoWalFiles() throws {
        let dir = try TempDirectory()
        let store = try openStore(dir)
        try store.commit(IngestBatch(readings: [reading(ts: 1)]))
        try store.close()
        #expect(!FileManager.default.fileExists(atPath: dir.database + "-wal"))
        let reader = try StoreReader(path: dir.database)
        #expect(reader.isImmutableSnapshot)
        #expect(try reader.readings(ReadingFilter()).count == 1)
        #expect(!FileManager.default.fileExists(atPath: dir.database + "-wal"))
        #expect(!FileManager.default.fileExists(atPath: dir.database + "-shm"))
    }

    @Test func readerAfterAWriterCrashSeesEveryCommit() throws {
        let dir = try TempDirectory()
        let store = try openStore(dir)
        try store.commit(IngestBatch(readings: (0..<50).map { reading(ts: EpochMillis($0)) }))
        try store.mergeNow()
        try store.commit(IngestBatch(readings: [reading(ts: 100)]))
        // What a killed daemon leaves behind: the database with its -wal and -shm, commits not yet
        // checkpointed.
        let crashed = try TempDirectory()
        for suffix in ["", "-wal", "-shm"] {
            try FileManager.default.copyItem(atPath: dir.database + suffix, toPath: crashed.database + suffix)
        }
        try store.close()
        let reader = try StoreReader(path: crashed.database)
        #expect(!reader.isImmutableSnapshot)
        #expect(try reader.counts().readings == 51)
        #expect(try reader.readings(ReadingFilter(limit: 1)).first?.timestamp == 100)
    }

    @Test func missingDatabaseIsAClearError() throws {
        let dir = try TempDirectory()
        #expect {
            try StoreReader(path: dir.database)
        } throws: { error in
            guard let error = error as? StoreError else { return false }
            return error.code == .databaseMissing
                && error.message == "no database at \(dir.database) — has the daemon run with this state_dir?"
        }
        #expect(!FileManager.default.fileExists(atPath: dir.database))
    }

    @Test func aFileThatIsNotAStoreIsRefused() throws {
        let dir = try TempDirectory()
        try Data("this is not a database, just text that is long enough to have a header".utf8).write(
            to: URL(fileURLWithPath: dir.database))
        #expect {
            try StoreReader(path: dir.database)
        } throws: { error in
            guard let error = error as? StoreError else { return false }
            return [.corrupt, .notAGatewayStore].contains(error.code) && error.description.contains(dir.database)
        }
    }
}
