import Foundation
import GRDB
import Testing

@testable import GatewayStore

/// An upgrade backs the database up with SQLite's online backup API before it migrates it
/// (issue 8, item 4), and only then.
@Suite("Upgrade backup")
struct UpgradeBackupTests {
    /// A database as the release with only migration v1 left it.
    func databaseAtV1(_ dir: TempDirectory) throws {
        let queue = try DatabaseQueue(path: dir.database)
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in try db.execute(sql: StoreMigrations.v1) }
        try migrator.migrate(queue)
        try queue.close()
    }

    func backups(_ dir: TempDirectory) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".bak") }.sorted()
    }

    @Test func anOlderDatabaseIsCopiedBeforeItIsMigratedAndTheCopyIsTheOldOne() throws {
        let dir = try TempDirectory()
        try databaseAtV1(dir)
        let store = try openStore(dir)
        try store.close()
        #expect(try backups(dir) == ["gateway.sqlite.before-v2.bak"])
        let copy = try DatabaseQueue(path: dir.path + "/gateway.sqlite.before-v2.bak")
        let applied = try copy.read { db in try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY 1") }
        #expect(applied == ["v1"])
        // Migrated now: the next open has nothing to back up.
        try openStore(dir).close()
        #expect(try backups(dir).count == 1)
    }

    @Test func aNewDatabaseIsNotBackedUp() throws {
        let dir = try TempDirectory()
        try openStore(dir).close()
        try openStore(dir).close()
        #expect(try backups(dir).isEmpty)
    }
}
