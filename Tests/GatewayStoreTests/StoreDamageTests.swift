import Foundation
import GatewayCore
import Testing

@testable import GatewayStore

/// Damaged store files, damaged for real (bytes overwritten on disk): found at open or by the
/// integrity check, moved aside with their WAL, replaced by a fresh store; a merely truncated WAL
/// is not damage.
@Suite("Store damage")
struct StoreDamageTests {
    static let now: EpochMillis = 1_795_766_400_000  // 2026-11-27T08:00:00Z

    /// A store with `rows` readings, merged into the main tier, closed.
    static func filledStore(_ dir: TempDirectory, rows: Int = 20_000) throws -> String {
        let store = try openStore(dir)
        let readings = (0..<rows).map { reading(device: "dev-\($0 % 50)", ts: EpochMillis(1_000 + $0), value: Double($0)) }
        try store.commit(IngestBatch(readings: readings))
        try store.mergeNow()
        let generation = store.generation
        try store.close()
        return generation
    }

    static func overwrite(_ path: String, at offset: UInt64, with bytes: [UInt8]) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.seek(toOffset: offset)
        try handle.write(contentsOf: Data(bytes))
    }

    static func movedAside(_ dir: TempDirectory) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: dir.path)
            .filter { $0.contains(".corrupt-") && !$0.hasSuffix("-wal") && !$0.hasSuffix("-shm") }.sorted()
    }

    @Test func aZeroedHeaderIsMovedAsideAndAFreshStoreStarts() throws {
        let dir = try TempDirectory()
        let generation = try Self.filledStore(dir)
        try Self.overwrite(dir.database, at: 0, with: Array(repeating: 0, count: 100))
        let (store, damaged) = try ReadingStore.openRecovering(path: dir.database, synchronous: .normal, logger: quietLogger, now: Self.now)
        defer { try? store.close() }
        let moved = try #require(damaged)
        #expect(moved.movedTo == dir.database + ".corrupt-20261127T080000Z")
        #expect(moved.reason.contains("corrupt"))
        #expect(try Self.movedAside(dir) == ["gateway.sqlite.corrupt-20261127T080000Z"])
        #expect(store.generation != generation, "a new generation: consumers can tell the store was reset")
        #expect(try store.lastSeq() == 0)
        #expect(try store.commit(IngestBatch(readings: [reading(ts: 5)])).stored == 1, "and it takes readings")
    }

    @Test func randomBytesInPagesAreFoundByTheIntegrityCheckAndTheMarkMovesTheFileAside() throws {
        let dir = try TempDirectory()
        _ = try Self.filledStore(dir)
        let size = try #require(try FileManager.default.attributesOfItem(atPath: dir.database)[.size] as? NSNumber).uint64Value
        var generator = SeededGenerator(seed: 42)
        // Every third page after the first few: table and index pages of both tiers.
        for page in stride(from: UInt64(4), to: size / 4096 - 1, by: 3) {
            try Self.overwrite(dir.database, at: page * 4096 + 100, with: (0..<400).map { _ in UInt8.random(in: 0...255, using: &generator) })
        }
        let problems: [String]
        do {
            problems = try StoreIntegrity.check(path: dir.database)
        } catch let error as StoreError {
            problems = [error.description]
            #expect(error.code == .corrupt)
        }
        #expect(!problems.isEmpty)

        try ReadingStore.markDamaged(path: dir.database, reason: "integrity check: \(problems[0])")
        let (store, damaged) = try ReadingStore.openRecovering(path: dir.database, synchronous: .normal, logger: quietLogger, now: Self.now)
        defer { try? store.close() }
        #expect(damaged?.reason.hasPrefix("integrity check") == true)
        #expect(try Self.movedAside(dir).count == 1)
        #expect(!FileManager.default.fileExists(atPath: dir.database + ".damaged"), "the mark is used once")
        #expect(try StoreIntegrity.check(path: dir.database).isEmpty)
    }

    @Test func aTruncatedWALIsNotDamageAndLosesNoEarlierCommit() throws {
        let dir = try TempDirectory()
        let store = try openStore(dir)
        try store.commit(IngestBatch(readings: [reading(ts: 1)]))
        try store.executeForTesting("PRAGMA wal_checkpoint(TRUNCATE)")
        try store.commit(IngestBatch(readings: [reading(ts: 2)]))
        try store.commit(IngestBatch(readings: [reading(ts: 3)]))
        // Cut the WAL in the middle of its last frame, as a power cut during a write would.
        let wal = dir.database + "-wal"
        let walSize = try #require(try FileManager.default.attributesOfItem(atPath: wal)[.size] as? NSNumber).uint64Value
        let copy = dir.path + "/copy.sqlite"
        try FileManager.default.copyItem(atPath: dir.database, toPath: copy)
        try FileManager.default.copyItem(atPath: wal, toPath: copy + "-wal")
        try store.close()
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: copy + "-wal"))
        try handle.truncate(atOffset: walSize - 1000)
        try handle.close()

        let (reopened, damaged) = try ReadingStore.openRecovering(path: copy, synchronous: .normal, logger: quietLogger, now: Self.now)
        defer { try? reopened.close() }
        #expect(damaged == nil)
        #expect(try StoreIntegrity.check(path: copy).isEmpty)
        let kept = try reopened.readings(afterSeq: 0, limit: 10).map(\.timestamp)
        #expect(kept.first == 1, "the checkpointed commit is there: \(kept)")
        #expect(kept == [1, 2] || kept == [1], "only the commit whose frame was cut is gone: \(kept)")
    }

    @Test func aStoreThatWasNotClosedSaysSo() throws {
        let dir = try TempDirectory()
        var store: ReadingStore? = try openStore(dir)
        #expect(store?.previousRunEndedUncleanly == false, "a new file")
        store = nil  // dropped without close(), as kill -9 would leave it
        let again = try openStore(dir)
        #expect(again.previousRunEndedUncleanly)
        try again.close()
        let clean = try openStore(dir)
        #expect(!clean.previousRunEndedUncleanly)
        try clean.close()
    }
}
