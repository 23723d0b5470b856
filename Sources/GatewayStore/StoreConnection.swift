import Foundation
import GRDB
import GatewayCore

/// How the store's connections are configured. Per-connection pragmas live here; the per-file
/// settings (`auto_vacuum`, `journal_mode`) are applied once by `ReadingStore.init`.
enum StoreConnection {
    /// The writer: one connection, `synchronous` from the settings.
    ///
    /// - `cache_size` 12 MiB: a merge dirties the index leaves of every series plus the tail of the
    ///   main table in one transaction, and pages that stay in cache reach the WAL once, at commit.
    ///   Measured: with 64 MiB the store ingested 124.6k rows/s at 10M rows and the daemon's peak
    ///   RSS in bench/ingest was 73 MB; with 12 MiB, 114.6k rows/s (merge p99 656 ms instead of
    ///   316 ms) and 48 MB — inside the 50 MB target, at ~8 % of store speed at 10M rows.
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
