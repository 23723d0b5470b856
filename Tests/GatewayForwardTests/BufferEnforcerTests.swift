import CoreMetrics
import Foundation
import GatewayCore
import GatewayStore
import Logging
import Synchronization
import Testing

@testable import GatewayForward

/// A pass of the enforcer over a real store: the snapshot operators see follows what was deleted.
@Suite struct BufferEnforcerTests {
    @Test func aPassRecordsTotalsUsedBytesAndFullness() throws {
        let fixture = try StoreFixture()
        let (path, logger, store) = (fixture.path, fixture.logger, fixture.store)
        let now: EpochMillis = 1_795_766_400_000
        try fixture.commit(100, devices: 1, from: now - 90 * 86_400_000)
        let keeper = try BufferKeeper(path: path, synchronous: .normal)
        let enforcer = BufferEnforcer(
            keeper: keeper,
            policy: BufferPolicy(maxBytes: 1 << 40, retentionMillis: 30 * 86_400_000, dropOldestWhenFull: true, forwarding: false),
            metricsFactory: NOOPMetricsHandler.instance, logger: logger, clock: FixedClock(instant: now))
        enforcer.runPass()
        let snapshot = enforcer.snapshot
        #expect(snapshot.totals == BufferTotals(retentionDeleted: 100))
        #expect(snapshot.lastPassAt == now && !snapshot.full && snapshot.usedBytes > 0)
        try keeper.close()
        try store.close()
    }

    /// One chunk of old rows can take a small store far below the 80 % mark; the pass that had to
    /// drop still reports the high-water condition, so `buffer.dropping` never comes without
    /// `buffer.high_water` (the end-to-end test once saw both alerts only after they had cleared).
    @Test func aPassThatDropsReportsHighWaterEvenWhenTheDropEndsBelowTheMark() throws {
        let fixture = try StoreFixture()
        let (path, logger, store) = (fixture.path, fixture.logger, fixture.store)
        let now: EpochMillis = 1_795_766_400_000
        try fixture.commit(3_000, devices: 50, from: now)
        try store.mergeNow()
        let keeper = try BufferKeeper(path: path, synchronous: .normal, chunkRows: 5_000)
        let full = try keeper.usedBytes()
        let reports = Mutex<[BufferConditions]>([])
        let enforcer = BufferEnforcer(
            keeper: keeper,
            policy: BufferPolicy(maxBytes: full * 19 / 20, retentionMillis: 30 * 86_400_000, dropOldestWhenFull: true, forwarding: false),
            metricsFactory: NOOPMetricsHandler.instance, logger: logger, clock: FixedClock(instant: now),
            onConditions: { conditions, _ in reports.withLock { $0.append(conditions) } })
        enforcer.runPass()
        let dropping = try #require(reports.withLock { $0.last })
        #expect(dropping.dropping && dropping.droppedInPass == 3_000)
        #expect(Double(dropping.usedBytes) < 0.8 * Double(full * 19 / 20), "the drop took the store below the mark")
        #expect(dropping.highWater, "the pass that had to drop reports the high-water mark")
        enforcer.runPass()
        let after = try #require(reports.withLock { $0.last })
        #expect(!after.highWater && !after.dropping, "the next pass finds the store below the mark and clears both")
        try keeper.close()
        try store.close()
    }
}

/// A real store in a folder of its own, removed with the fixture.
final class StoreFixture {
    let directory: URL
    let path: String
    let logger: Logger
    let store: ReadingStore

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("buffer-enforcer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        path = directory.appendingPathComponent("gateway.sqlite").path
        var logger = Logger(label: "test.buffer")
        logger.logLevel = .critical
        self.logger = logger
        store = try ReadingStore(path: path, synchronous: .normal, logger: logger)
    }

    /// `count` readings (values 0, 1, …) a millisecond apart from `start`, over `devices` devices.
    func commit(_ count: Int, devices: Int, from start: EpochMillis) throws {
        _ = try store.commit(IngestBatch(readings: (0..<count).map { i in
            Reading(
                utility: .water, site: "s", device: "d\(i % devices)", metric: "volume", value: Double(i), unit: "m3",
                timestamp: start + EpochMillis(i), receivedAt: start + EpochMillis(i), quality: [], topic: "t/d")
        }))
    }

    deinit { try? FileManager.default.removeItem(at: directory) }
}

/// A wall clock that always says the same time.
struct FixedClock: WallClock {
    let instant: EpochMillis
    func now() -> EpochMillis { instant }
}
