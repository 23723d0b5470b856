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

    /// What one cut did: the readings (seq → value) the killed process had committed, and those
    /// that survived in the image.
    struct Outcome {
        let killView: [Int64: Int]
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

    init(synchronous: String) throws {
        // The same client id across restarts: the broker redelivers what the gateway had not acknowledged.
        harness = try GatewayHarness(synchronous: synchronous)
        cut = try PowerCut(watch: harness.stateDirectoryPath, shadow: harness.directory.file("shadow").path)
    }

    func start() throws {
        try harness.startDaemon(environment: cut.environment)
    }

    /// Every stored reading, seq → value (the tests publish whole numbers). Empty when the image
    /// holds no store yet: a cut before the schema's first sync loses the store's creation too.
    func snapshot() throws -> [Int64: Int] {
        let reader: StoreReader
        do {
            reader = try harness.reader()
        } catch let error as StoreError where error.code == .notAGatewayStore || error.code == .databaseMissing {
            return [:]
        }
        var result: [Int64: Int] = [:]
        for reading in try reader.readings(ReadingFilter(limit: 10_000_000)) {
            if let seq = reading.seq { result[seq] = Int(reading.value) }
        }
        return result
    }

    /// kill -9, then the power cut, then `PRAGMA integrity_check` on the image. The daemon stays
    /// down: `start()` continues on the image.
    func cutNow() throws -> Outcome {
        harness.killDaemon()
        #expect(harness.daemon?.endedBySignal == true)
        let killView = try snapshot()
        let walBytesAtKill = Self.size(harness.databasePath + "-wal")
        try cut.cut()
        let integrity = FaultSupport.sqlite(harness.databasePath, "PRAGMA integrity_check;", readOnly: true, in: harness.directory)
        return Outcome(
            killView: killView, image: try snapshot(), integrity: integrity, walBytesAtKill: walBytesAtKill,
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
}
