import CoreMetrics
import Foundation
import GatewayCore
import GatewayStore
import Logging
import Testing

@testable import GatewayForward

/// A pass of the enforcer over a real store: the snapshot operators see follows what was deleted.
@Suite struct BufferEnforcerTests {
    @Test func aPassRecordsTotalsUsedBytesAndFullness() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("buffer-enforcer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("gateway.sqlite").path
        var logger = Logger(label: "test.buffer")
        logger.logLevel = .critical
        let store = try ReadingStore(path: path, synchronous: .normal, logger: logger)
        let now: EpochMillis = 1_795_766_400_000
        _ = try store.commit(IngestBatch(readings: (0..<100).map { i in
            Reading(
                utility: .water, site: "s", device: "d", metric: "volume", value: Double(i), unit: "m3",
                timestamp: now - 90 * 86_400_000 + EpochMillis(i), receivedAt: now - 90 * 86_400_000 + EpochMillis(i),
                quality: [], topic: "t/d")
        }))
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
}

/// A wall clock that always says the same time.
struct FixedClock: WallClock {
    let instant: EpochMillis
    func now() -> EpochMillis { instant }
}
