import Foundation
import GatewayCore
import Logging

/// A store file that SQLite reported damaged, moved aside so that the gateway could start a fresh
/// store instead of failing — or restarting — forever.
public struct DamagedStore: Sendable, Hashable {
    /// Where the damaged file is now (`gateway.sqlite.corrupt-20261127T203000Z`); its `-wal` and
    /// `-shm` files moved with it, so `sqlite3 FILE .recover` can still salvage what it held.
    public var movedTo: String
    /// What SQLite (or the integrity check) said.
    public var reason: String

    public init(movedTo: String, reason: String) {
        self.movedTo = movedTo
        self.reason = reason
    }
}

extension ReadingStore {
    /// Opens the store at `path`; when the file is damaged — SQLite says so at open
    /// (`SQLITE_CORRUPT`, `SQLITE_NOTADB`: random bytes in a page, a zeroed header), or a running
    /// gateway left a damage mark (`markDamaged`) — moves it aside and opens a fresh store, with a
    /// new generation id. Any other failure (a missing folder, permissions, a newer release's file,
    /// someone else's database) is thrown as before: those are not fixed by starting over, and
    /// moving someone else's file would be wrong.
    public static func openRecovering(
        path: String, synchronous: SynchronousMode, logger: Logger, now: EpochMillis, syncIntervalSeconds: Double? = nil
    ) throws -> (store: ReadingStore, damaged: DamagedStore?) {
        func open() throws -> ReadingStore {
            try ReadingStore(path: path, synchronous: synchronous, logger: logger, syncIntervalSeconds: syncIntervalSeconds)
        }
        let mark = damageMarkPath(path)
        if let reason = try? String(contentsOfFile: mark, encoding: .utf8) {
            let damaged = try moveAside(path: path, reason: reason, now: now, logger: logger)
            try? FileManager.default.removeItem(atPath: mark)
            return (try open(), damaged)
        }
        do {
            return (try open(), nil)
        } catch let error as StoreError where error.code == .corrupt {
            let damaged = try moveAside(path: path, reason: error.description, now: now, logger: logger)
            return (try open(), damaged)
        }
    }

    /// Records that the store at `path` is damaged (found while running), so that the next
    /// `openRecovering` moves it aside. The running gateway cannot swap the file under its own
    /// open connections; it restarts instead.
    public static func markDamaged(path: String, reason: String) throws {
        try Data(reason.utf8).write(to: URL(fileURLWithPath: damageMarkPath(path)), options: .atomic)
    }

    static func damageMarkPath(_ path: String) -> String { path + ".damaged" }

    /// Renames the database and its `-wal` and `-shm` files to `<path>.corrupt-<UTC time>`.
    static func moveAside(path: String, reason: String, now: EpochMillis, logger: Logger) throws -> DamagedStore {
        // 2026-11-27T08:00:00.000Z → 20261127T080000Z
        let stamp = RFC3339.format(now).prefix(19).filter { $0.isNumber || $0 == "T" } + "Z"
        var target = "\(path).corrupt-\(stamp)"
        var attempt = 1
        while FileManager.default.fileExists(atPath: target) {
            attempt += 1
            target = "\(path).corrupt-\(stamp)-\(attempt)"
        }
        for suffix in ["", "-wal", "-shm"] where FileManager.default.fileExists(atPath: path + suffix) {
            do {
                try FileManager.default.moveItem(atPath: path + suffix, toPath: target + suffix)
            } catch {
                throw StoreError(
                    code: .cannotOpen,
                    message: "the database is damaged (\(reason)) and could not be moved aside to \(target + suffix): \(error)",
                    path: path, operation: "open")
            }
        }
        logger.critical("store.damaged_moved_aside", metadata: [
            "store.path": "\(path)", "store.moved_to": "\(target)", "reason": "\(reason)",
        ])
        return DamagedStore(movedTo: target, reason: reason)
    }
}
