import Foundation
import GatewayCore
import Testing

@testable import GatewayStore

/// A model test in the manner of Vector's disk-buffer tests (issue 6, "faults survived"): random
/// sequences of ingest / forward / ack / uplink down / crash / restart / disk full / size-bound
/// drops against real SQLite files (`ReadingStore`, `ForwardOutbox`, `BufferKeeper`), compared after
/// every step with a trivial in-memory model of what must be delivered. Seeded: a failure names its
/// seed and step, and replays exactly.
@Suite struct StoreForwardModelTests {
    /// What the world outside the store knows.
    struct Model {
        /// Reading ids the broker still holds for us (published, never acknowledged by the gateway).
        var atBroker: [Int] = []
        /// Ids whose batch committed: acknowledged to the broker, so they must never be lost — except
        /// by a counted size-bound drop.
        var acknowledged: Set<Int> = []
        /// Ids the size bound dropped, and of those the ones not forwarded (acknowledged by central) yet.
        var dropped: Set<Int> = []
        var droppedUnforwarded: Set<Int> = []
        /// What central received, in order: (seq, id). Duplicates allowed; gaps are not.
        var central: [(seq: Int64, id: Int)] = []
        /// The forwarder's in-memory position: everything up to it was sent (maybe not acknowledged).
        var sent: Int64 = 0
        /// The cursor saved in the store, as the model expects it.
        var saved: Int64 = 0
        var uplinkUp = true
        var diskFull = false
        var nextID = 0
    }

    static let base: EpochMillis = 1_795_766_400_000

    func readingFor(_ id: Int) -> Reading {
        var r = reading(device: "d\(id % 4)", metric: "volume", ts: Self.base + EpochMillis(id), value: Double(id), unit: "m3")
        r.receivedAt = Self.base + EpochMillis(id)
        return r
    }

    /// id by seq for every reading in the store.
    func stored(_ dir: TempDirectory) throws -> [Int64: Int] {
        let reader = try StoreReader(path: dir.database)
        var result: [Int64: Int] = [:]
        for r in try allReadings(reader) { result[r.seq!] = Int(r.value) }
        return result
    }

    @Test(arguments: [11, 12, 13, 14, 15] as [UInt64])
    func randomFaultSequencesDeliverEveryAcknowledgedReading(seed: UInt64) throws {
        let dir = try TempDirectory()
        var rng = SeededGenerator(seed: seed)
        var store: ReadingStore? = try openStore(dir, threshold: 50, chunkRows: 5)
        var outbox = try ForwardOutbox(path: dir.database, synchronous: .normal)
        var keeper = try BufferKeeper(path: dir.database, synchronous: .normal, chunkRows: 7)
        let generation = outbox.generation
        var m = Model()

        for step in 0..<250 {
            let context = "seed \(seed) step \(step)"
            switch rng.below(100) {
            case 0..<35:  // ingest: the broker delivers what it holds plus new messages, as one batch
                let fresh = (0..<rng.below(12)).map { _ in defer { m.nextID += 1 }; return m.nextID }
                let batch = m.atBroker + fresh
                do {
                    try store!.commit(IngestBatch(readings: batch.map(readingFor)))
                    m.acknowledged.formUnion(batch)
                    m.atBroker = []
                } catch let error as StoreError {
                    #expect(m.diskFull && error.isDiskFull, "\(context): \(error)")
                    m.atBroker = batch  // not acknowledged: the broker redelivers
                }
            case 35..<55:  // forward: publish what follows the in-memory position
                guard m.uplinkUp else { break }
                let batch = try outbox.readings(afterSeq: m.sent, limit: 1 + rng.below(15))
                m.central += batch.map { ($0.seq, Int($0.value)) }
                if let last = batch.last?.seq { m.sent = last }
            case 55..<68:  // central acknowledges everything sent: save the cursor
                guard m.uplinkUp else { break }
                try outbox.save(ForwardCursors(readings: m.sent), now: 0)
                m.saved = max(m.saved, m.sent)
            case 68..<74:  // the uplink drops: unacknowledged sends are re-read from the saved cursor
                m.uplinkUp.toggle()
                m.sent = m.saved
            case 74..<80:  // disk full on, or space back
                m.diskFull.toggle()
                let pages = Int(try store!.scalarForTesting("PRAGMA page_count") ?? "") ?? 0
                try store!.executeForTesting("PRAGMA max_page_count = \(m.diskFull ? pages : 1_073_741_823)")
            case 80..<85:  // the size bound drops the oldest readings
                let used = try keeper.usedBytes()
                let policy = BufferPolicy(maxBytes: used - 1, retentionMillis: 1 << 50, dropOldestWhenFull: true, forwarding: true)
                let before = try stored(dir)
                let pass = try keeper.enforce(policy, now: Self.base, elapsed: .seconds(5))
                let after = try stored(dir)
                let gone = before.filter { after[$0.key] == nil }
                #expect(pass.deleted.dropped == gone.count, "\(context)")
                #expect(gone.keys.allSatisfy { $0 < (after.keys.min() ?? .max) }, "\(context): oldest first")
                m.dropped.formUnion(gone.values)
                m.droppedUnforwarded.formUnion(gone.filter { $0.key > m.saved }.values)
                #expect(pass.deleted.droppedUnforwarded == gone.filter { $0.key > m.saved }.count, "\(context)")
            case 85..<90:
                do {
                    try store!.mergeNow()
                } catch let error as StoreError {
                    #expect(m.diskFull && error.isDiskFull, "\(context): \(error)")  // rolled back; merged later
                }
            case 90..<95:  // crash: nothing is closed; the forwarder's memory is gone
                store = nil
                store = try openStore(dir, threshold: 50, chunkRows: 5)
                #expect(store!.previousRunEndedUncleanly, "\(context)")
                outbox = try ForwardOutbox(path: dir.database, synchronous: .normal)
                keeper = try BufferKeeper(path: dir.database, synchronous: .normal, chunkRows: 7)
                m.sent = m.saved
                m.diskFull = false  // max_page_count belongs to the connection
            default:  // clean restart
                try store!.executeForTesting("PRAGMA max_page_count = 1073741823")
                try store!.close()
                try outbox.close()
                try keeper.close()
                store = try openStore(dir, threshold: 50, chunkRows: 5)
                outbox = try ForwardOutbox(path: dir.database, synchronous: .normal)
                keeper = try BufferKeeper(path: dir.database, synchronous: .normal, chunkRows: 7)
                m.sent = m.saved
                m.diskFull = false
            }

            // The store holds exactly what was acknowledged and not dropped: no half-written batch.
            let inStore = try stored(dir)
            #expect(Set(inStore.values) == m.acknowledged.subtracting(m.dropped), "\(context)")
            #expect(inStore.count == Set(inStore.values).count, "\(context): a reading stored twice")
            // The saved cursor is what the model saved, and never ahead of the store.
            #expect(try outbox.cursors().readings == m.saved, "\(context)")
            // Central: a seq always names the same reading, and no gaps below the saved cursor.
            var bySeq: [Int64: Int] = [:]
            for (seq, id) in m.central {
                if let earlier = bySeq[seq] { #expect(earlier == id, "\(context): seq \(seq) named two readings") }
                bySeq[seq] = id
            }
            let centralIDs = Set(bySeq.values)
            let mustHave = m.acknowledged.filter { id in inStore.contains { $0.value == id && $0.key <= m.saved } }
            #expect(mustHave.isSubset(of: centralIDs), "\(context): a gap at central below the cursor")
        }

        // Drain: uplink up, disk fine, everything forwarded and acknowledged.
        try store!.executeForTesting("PRAGMA max_page_count = 1073741823")
        if !m.atBroker.isEmpty {
            try store!.commit(IngestBatch(readings: m.atBroker.map(readingFor)))
            m.acknowledged.formUnion(m.atBroker)
        }
        m.sent = m.saved
        while true {
            let batch = try outbox.readings(afterSeq: m.sent, limit: 100)
            guard let last = batch.last?.seq else { break }
            m.central += batch.map { ($0.seq, Int($0.value)) }
            m.sent = last
            try outbox.save(ForwardCursors(readings: last), now: 0)
        }
        let centralIDs = Set(m.central.map(\.id))
        let lost = m.acknowledged.subtracting(m.droppedUnforwarded).subtracting(centralIDs)
        #expect(lost.isEmpty, "seed \(seed): acknowledged, never dropped unforwarded, yet not at central: \(lost.sorted().prefix(10))")
        #expect(centralIDs.isSubset(of: m.acknowledged), "central got something never acknowledged")
        #expect(try keeper.totals().droppedUnforwarded == m.droppedUnforwarded.count)
        #expect(try keeper.totals().dropped == m.dropped.count)
        #expect(try store!.scalarForTesting("PRAGMA integrity_check") == "ok")
        #expect(!generation.isEmpty)
        try keeper.close()
        try outbox.close()
        try store!.close()
    }
}
