import Foundation
import GRDB
import GatewayCore

/// Read-only access to a store for operators (`utility-gatewayctl`) and the daemon's query API.
///
/// DESIGN §6: during an incident the database is the truth, so queries must work both while the
/// daemon is stopped and beside a running daemon.
///
/// - Beside a running writer (a `-wal` file exists), it opens a read-only `DatabasePool`: each
///   query reads one WAL snapshot and never blocks, nor is blocked by, the writer's commits.
/// - When no `-wal` file exists, no writer has the file open (a WAL writer keeps it until its
///   last connection closes), so the file is opened `immutable`: SQLite then creates no `-wal` or
///   `-shm` file. That matters: a read-only connection would otherwise leave both files behind,
///   owned by whoever ran the CLI (often root), and the daemon's user could not open them at the
///   next start. It also means a read-only state directory works. Limit: an immutable reader
///   assumes the file does not change, so it must not outlive a daemon start — the CLI opens one
///   per command; inside the daemon, open the `StoreReader` after the `ReadingStore`.
/// - After a crash of the writer (`-wal` left behind), the first reader may need write access to
///   the folder to rebuild the `-shm` index; if that is impossible, start the daemon once.
public final class StoreReader: Sendable {
    /// The database file.
    public let path: String
    /// Whether the file was opened as immutable because no writer had it open.
    public let isImmutableSnapshot: Bool
    let reader: any DatabaseReader

    /// Opens the database at `path` read-only. Throws `StoreError` with code `.databaseMissing`
    /// when there is no file, `.notAGatewayStore` when it is not a utility-gateway store.
    public init(path: String) throws {
        self.path = path
        guard FileManager.default.fileExists(atPath: path) else {
            throw StoreError(
                code: .databaseMissing,
                message: "no database at \(path) — has the daemon run with this state_dir?",
                path: path, operation: "open")
        }
        let writerActive = FileManager.default.fileExists(atPath: path + "-wal")
        isImmutableSnapshot = !writerActive
        do {
            if writerActive {
                reader = try DatabasePool(path: path, configuration: StoreConnection.reader())
            } else {
                reader = try DatabaseQueue(path: Self.immutableURI(path), configuration: StoreConnection.reader())
            }
        } catch {
            var failure = StoreError.wrap(error, path: path, operation: "open")
            failure.message = "cannot open the database at \(path) for reading: \(failure.message)"
            throw failure
        }
        try checkSchema()
    }

    /// The random id of the database (see `ReadingStore.generation`).
    public var generation: String {
        get throws {
            try query("generation") { db in
                guard let value = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'generation'") else {
                    throw StoreError(code: .notAGatewayStore, message: "meta has no generation", path: path, operation: "generation")
                }
                return value
            }
        }
    }

    /// Reads a `meta` value; `nil` when the key was never set.
    public func metaValue(_ key: String) throws -> String? {
        try query("meta.get") { db in
            try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = ?", arguments: [key])
        }
    }

    /// Runs a read in one snapshot, turning failures into `StoreError`s naming `operation`.
    func query<T>(_ operation: String, _ body: (Database) throws -> T) throws -> T {
        try StoreError.context(path: path, operation: operation) { try reader.read(body) }
    }

    private func checkSchema() throws {
        try query("open") { db in
            let isStore =
                try db.tableExists("meta")
                && String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'schema'") == "utility-gateway-store"
            guard isStore else {
                throw StoreError(
                    code: .notAGatewayStore, message: "\(path) is an SQLite file but not a utility-gateway store",
                    path: path, operation: "open")
            }
            let applied = try StoreMigrations.migrator().appliedIdentifiers(db)
            let missing = StoreMigrations.known.filter { !applied.contains($0) }
            guard missing.isEmpty else {
                throw StoreError(
                    code: .notAGatewayStore,
                    message: "the store's schema is older than this release (missing \(missing.joined(separator: ", "))); "
                        + "start the daemon once to upgrade it",
                    path: path, operation: "open")
            }
        }
    }

    /// `file:` URI for an immutable open (this SQLite is built with `SQLITE_USE_URI`, so GRDB's
    /// plain `sqlite3_open_v2` interprets it).
    static func immutableURI(_ path: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "?#%")
        let encoded = path.addingPercentEncoding(withAllowedCharacters: allowed) ?? path
        return "file:\(encoded)?immutable=1"
    }
}
