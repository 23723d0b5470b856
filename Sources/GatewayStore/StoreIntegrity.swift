import GRDB

/// SQLite's own integrity check of a store file, on a read-only connection of its own, so that it
/// can run beside the writer: after an unclean shutdown (in the background, never on the start-up
/// path — it reads every page, minutes at millions of readings) and on demand
/// (`utility-gatewayctl store check`).
public enum StoreIntegrity {
    /// The problems SQLite found; empty when the file is sound. `quick` skips the index-content
    /// checks (`PRAGMA quick_check`): much faster, still reads every page.
    public static func check(path: String, quick: Bool = false) throws -> [String] {
        try StoreError.context(path: path, operation: "integrity_check") {
            var configuration = StoreConnection.reader()
            configuration.label = "GatewayStore.integrity"
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            defer { try? queue.close() }
            let rows = try queue.read { db in
                try String.fetchAll(db, sql: quick ? "PRAGMA quick_check" : "PRAGMA integrity_check")
            }
            return rows == ["ok"] ? [] : rows
        }
    }
}
