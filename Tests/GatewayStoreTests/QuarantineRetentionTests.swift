import Foundation
import GatewayCore
import GatewayStore
import Testing

/// The quarantine is bounded by age and by count, oldest first.
@Suite("Quarantine retention") struct QuarantineRetentionTests {
    func record(_ receivedAt: EpochMillis) -> QuarantineRecord {
        QuarantineRecord(receivedAt: receivedAt, topic: "t", route: "r", reason: .malformed, message: "m", payload: [1])
    }

    @Test func prunesByAgeThenByCount() throws {
        let dir = try TempDirectory()
        let store = try openStore(dir)
        try store.commit(IngestBatch(quarantined: (1...10).map { record(EpochMillis($0) * 1000) }))
        #expect(try store.pruneQuarantine(before: 3000, keepingAtMost: 1000) == 2)
        #expect(try store.pruneQuarantine(before: 0, keepingAtMost: 5) == 3)
        let kept = try StoreReader(path: dir.database).quarantine(QuarantineFilter()).map(\.record.receivedAt)
        #expect(kept == [10_000, 9000, 8000, 7000, 6000])
        #expect(try store.pruneQuarantine(before: 0, keepingAtMost: 5) == 0)
        try store.close()
    }
}
