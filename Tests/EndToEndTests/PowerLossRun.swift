import Foundation
import GatewayStore
import GatewayTestSupport
import Testing

/// One gateway run under the power-cut model: the real daemon with `libPowerCut.so` preloaded, a
/// persistent session on a real broker, and `cutNow()` — kill -9, then the state folder as a power
/// loss at that moment would have left it, then the checks every cut must pass.
final class PowerLossRun {
    let harness: GatewayHarness
    let cut: PowerCut

    /// What one cut did: the readings the killed process had committed, and those that survived
    /// in the image (seq → value).
    struct Outcome {
        /// The store as the killed process left it (read before the cut): every seq it had handed
        /// out and not deleted, with the reading it names.
        let killStore: StoreView
        var killView: [Int64: Int] { killStore.values }
        let image: [Int64: Int]
        let integrity: String?
        /// Size of the `-wal` file the killed process left, and in the image (bytes).
        let walBytesAtKill: Int64
        let walBytesInImage: Int64

        /// Readings the process had committed (and kill -9 alone would have kept) but the cut lost.
        var lost: [Int64: Int] { killView.filter { image[$0.key] == nil } }

        /// The image is the state after an earlier commit: every reading in it is in the kill view
        /// with the same value, and every lost reading is newer (by seq, the commit order) than
        /// every kept one. Anything else — a hole in the middle, a changed value — is not a tail.
        var lossIsATail: Bool {
            let newestKept = image.keys.max() ?? 0
            return image.allSatisfy { killView[$0.key] == $0.value } && lost.keys.allSatisfy { $0 > newestKept }
        }
    }

    /// - Parameter syncInterval: `storage.sync_interval`; `nil` for the default (1 s).
    init(synchronous: String, syncInterval: String? = nil) throws {
        // The same client id across restarts: the broker redelivers what the gateway had not acknowledged.
        harness = try GatewayHarness(synchronous: synchronous, syncInterval: syncInterval)
        cut = try PowerCut(watch: harness.stateDirectoryPath, shadow: harness.directory.file("shadow").path)
    }

    func start() throws {
        try harness.startDaemon(environment: cut.environment)
    }

    /// Every stored reading, seq → value (the tests publish whole numbers). Empty when the image
    /// holds no store yet: a cut before the schema's first sync loses the store's creation too.
    func snapshot() throws -> [Int64: Int] {
        try storeView().values
    }

    /// Every stored reading of both tiers (`readings_recent` and `readings`, joined with `series`),
    /// seq → what it says, and the store's generation; no generation and no readings when there is
    /// no store. Read through `StoreReader`: read-only connections (a `DatabasePool` when a `-wal`
    /// is there, else an `immutable` open), which never checkpoint, truncate or delete the `-wal`;
    /// at most they rebuild `-shm`, which is not durable state (the cut drops it). This process
    /// does not run under the shim, so the shadows are untouched either way.
    func storeView() throws -> StoreView {
        let reader: StoreReader
        do {
            reader = try harness.reader()
        } catch let error as StoreError where error.code == .notAGatewayStore || error.code == .databaseMissing {
            return StoreView(generation: nil, readings: [:])
        }
        var readings: [Int64: ReadingIdentity] = [:]
        for reading in try reader.readings(ReadingFilter(limit: 10_000_000)) {
            guard let seq = reading.seq else { continue }
            readings[seq] = ReadingIdentity(
                device: reading.device, metric: reading.metric, timestamp: reading.timestamp, value: reading.value)
        }
        return StoreView(generation: try reader.generation, readings: readings)
    }

    /// kill -9, then the power cut, then `PRAGMA integrity_check` on the image. The daemon stays
    /// down: `start()` continues on the image.
    func cutNow() throws -> Outcome {
        harness.killDaemon()
        #expect(harness.daemon?.endedBySignal == true)
        // The live store, read before the cut replaces it: what the killed process had handed out.
        let durableFiles = [harness.databasePath, harness.databasePath + "-wal"]
        let before = durableFiles.map(Self.contents)
        let killStore = try storeView()
        #expect(durableFiles.map(Self.contents) == before, "reading the killed process's store changed its files")
        let walBytesAtKill = Self.size(harness.databasePath + "-wal")
        try cut.cut()
        let integrity = FaultSupport.sqlite(harness.databasePath, "PRAGMA integrity_check;", readOnly: true, in: harness.directory)
        return Outcome(
            killStore: killStore, image: try snapshot(), integrity: integrity, walBytesAtKill: walBytesAtKill,
            walBytesInImage: Self.size(harness.databasePath + "-wal"))
    }

    /// WAL frames (page-sized records) a `-wal` file of `bytes` holds: a 32-byte header, then
    /// frames of a 24-byte header and a 4 KiB page. Frames from before the WAL was last reset may
    /// be among them; right after a clean stop (no WAL) it counts what was written since.
    static func frames(_ bytes: Int64) -> Int64 {
        max(0, (bytes - 32) / (24 + 4096))
    }

    static func size(_ path: String) -> Int64 {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.int64Value ?? 0
    }

    /// A file's bytes, nil when it does not exist.
    static func contents(_ path: String) -> Data? {
        FileManager.default.contents(atPath: path)
    }
}

/// What a stored reading says — the reading that central, which deduplicates forwarded readings by
/// (gateway, generation, seq), takes a seq to stand for.
struct ReadingIdentity: Hashable, CustomStringConvertible {
    let device: String
    let metric: String
    let timestamp: Int64
    let value: Double

    var description: String { "\(device)/\(metric) ts \(timestamp) value \(value)" }
}

/// One read of a store: its generation (nil: no store) and every reading in it by seq.
struct StoreView {
    let generation: String?
    let readings: [Int64: ReadingIdentity]

    /// seq → value (the tests publish whole numbers).
    var values: [Int64: Int] { readings.mapValues { Int($0.value) } }
}

/// Every (generation, seq) the store was seen to hand out, with the reading it named when first
/// seen, and every seq later seen naming a different reading. Central deduplicates forwarded
/// readings by (gateway, generation, seq): a seq handed out again under the same generation for
/// another reading can make central drop that new reading as a duplicate of the old one.
///
/// Fed with the store as each killed process left it (before the cut: everything it had handed
/// out, lost or not) and with the final store. A seq deleted on purpose (retention, buffer) and
/// not seen again is no finding; a seq seen again naming the same reading (a lost reading
/// redelivered and stored under the same seq) is none either: central would keep one copy of it.
/// Strict on purpose: with `full`, the killed process's store may hold the commit in progress
/// (in the WAL, not yet synced, so no reader had seen it); its seqs count as handed out too, as
/// they do for a durable seq reservation made before any seq is written.
struct SeqLedger {
    struct Key: Hashable, Comparable {
        let generation: String
        let seq: Int64

        static func < (a: Key, b: Key) -> Bool { (a.generation, a.seq) < (b.generation, b.seq) }
    }

    struct Reuse {
        let first: ReadingIdentity
        let later: ReadingIdentity
        /// Where the later reading was seen (a cut's label, or "the end").
        let seenAt: String
    }

    /// Every seq seen so far, with the reading it named the first time.
    private(set) var handedOut: [Key: ReadingIdentity] = [:]
    /// Seqs seen naming another reading than the first time (the first such sighting of each).
    private(set) var reused: [Key: Reuse] = [:]

    /// Compares `store` with everything seen before, then adds the seqs it shows for the first time.
    /// Returns how many seqs it showed reused for the first time.
    mutating func observe(_ store: StoreView, at label: String) -> Int {
        guard let generation = store.generation else { return 0 }
        var found = 0
        for (seq, reading) in store.readings {
            let key = Key(generation: generation, seq: seq)
            guard let first = handedOut[key] else {
                handedOut[key] = reading
                continue
            }
            if first != reading, reused[key] == nil {
                reused[key] = Reuse(first: first, later: reading, seenAt: label)
                found += 1
            }
        }
        return found
    }

    /// The count and the first `limit` reused seqs (by generation, then seq) with both readings.
    func report(limit: Int = 5) -> String {
        let examples = reused.keys.sorted().prefix(limit).map { key in
            let reuse = reused[key]!
            return "seq \(key.seq) of generation \(key.generation.prefix(8)): first \(reuse.first), "
                + "then \(reuse.later) (seen at \(reuse.seenAt))"
        }
        return "\(reused.count) of \(handedOut.count) seqs handed out were handed out again for another reading; "
            + "e.g. \(examples.joined(separator: "; "))"
    }
}
