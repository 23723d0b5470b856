import Foundation
import GRDB
import GatewayCore

/// How the store's connections are configured. Per-connection pragmas live here; the per-file
/// settings (`auto_vacuum`, `journal_mode`) are applied once by `ReadingStore.init`.
enum StoreConnection {
    /// The writer: one connection, `synchronous` from the settings.
    ///
    /// - `cache_size` 64 MiB: a merge dirties the index leaves of every series plus the tail of the
    ///   main table in one transaction; they must stay in cache so that each page reaches the WAL
    ///   once, at commit, rather than being spilled and rewritten.
    /// - `secure_delete = FAST`: Debian builds SQLite with `SECURE_DELETE`, which would zero every
    ///   page a merge frees in `readings_recent` and write it to the WAL again.
    /// - `temp_store = MEMORY`: the merge sorts the hot tier by (series_id, ts).
    /// - `journal_size_limit` 64 MiB: the WAL file shrinks back after a checkpoint.
    static func writer(synchronous: SynchronousMode) -> Configuration {
        var configuration = Configuration()
        configuration.label = "GatewayStore.writer"
        configuration.busyMode = .timeout(5)
        let level = synchronous == .full ? "FULL" : "NORMAL"
        configuration.prepareDatabase { db in
            try db.execute(
                sql: """
                    PRAGMA synchronous = \(level);
                    PRAGMA cache_size = -12288;
                    PRAGMA secure_delete = FAST;
                    PRAGMA temp_store = MEMORY;
                    PRAGMA journal_size_limit = 67108864;
                    """)
        }
        return configuration
    }

    /// Readers: read-only connections; `query_only` as a second lock on the door.
    static func reader() -> Configuration {
        var configuration = Configuration()
        configuration.label = "GatewayStore.reader"
        configuration.readonly = true
        configuration.busyMode = .timeout(5)
        configuration.maximumReaderCount = 4
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA query_only = ON; PRAGMA temp_store = MEMORY;")
        }
        return configuration
    }

    /// Size of a file in bytes, 0 when it does not exist.
    static func fileSize(_ path: String) -> Int64 {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            let size = attributes[.size] as? NSNumber
        else { return 0 }
        return size.int64Value
    }
}
