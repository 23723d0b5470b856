import Foundation
import GRDB
import Logging

extension ReadingStore {
    /// Before an upgrade migrates an existing database, a copy of it is taken with SQLite's online
    /// backup API (GRDB's `backup(to:)`): consistent even with the WAL, and without stopping
    /// readers such as `utility-gatewayctl`. A migration that fails half-way, or a release that
    /// must be rolled back, then still has the data as the old release wrote it.
    ///
    /// Only when there is something to migrate *and* something to lose: a new database (no
    /// migration applied yet) and an up-to-date one are not copied. The copy sits next to the
    /// database, named after the migrations it has: `gateway.sqlite.before-v3.bak` — an operator
    /// deletes it once the new release has proven itself.
    /// - Returns: the backup's path when one was written.
    static func backUpBeforeMigrating(_ queue: DatabaseQueue, path: String, logger: Logger) throws -> String? {
        let migrator = StoreMigrations.migrator()
        let (applied, complete) = try queue.read { db in
            (try migrator.appliedIdentifiers(db), try migrator.hasCompletedMigrations(db))
        }
        guard !applied.isEmpty, !complete else { return nil }
        let pending = StoreMigrations.known.filter { !applied.contains($0) }
        var backupPath = "\(path).before-\(pending.first ?? "upgrade").bak"
        if FileManager.default.fileExists(atPath: backupPath) {
            // An earlier attempt left one: keep it (it is the older data) and write beside it.
            backupPath = "\(path).before-\(pending.first ?? "upgrade").\(Int(Date().timeIntervalSince1970)).bak"
        }
        let copy = try DatabaseQueue(path: backupPath)
        try queue.backup(to: copy)
        try copy.close()
        logger.notice("store.backed_up_before_migrating", metadata: [
            "store.path": "\(path)", "store.backup": "\(backupPath)",
            "store.migrations_applied": "\(applied.sorted().joined(separator: ","))",
            "store.migrations_pending": "\(pending.joined(separator: ","))",
        ])
        return backupPath
    }
}
