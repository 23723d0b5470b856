import GRDB
import GatewayCore

extension ReadingStore {
    /// Bounds the quarantine: deletes records received before `before`, then the oldest beyond
    /// the newest `keepingAtMost`. Returns how many were deleted.
    ///
    /// Quarantine holds payloads that decoded to nothing useful; a device sending junk for weeks
    /// must not fill the disk through it. What is deleted was already counted when it arrived (the
    /// ingest counters and `quarantine_id` never go back), so the bound loses no accounting.
    @discardableResult
    public func pruneQuarantine(before: EpochMillis, keepingAtMost: Int) throws -> Int {
        try state.withLock { state in
            try checkOpen(state, "quarantine.prune")
            var deleted = 0
            try StoreError.context(path: path, operation: "quarantine.prune") {
                try queue.inTransaction(.immediate) { db in
                    try db.execute(sql: "DELETE FROM quarantine WHERE received_at < ?", arguments: [before])
                    deleted = db.changesCount
                    try db.execute(
                        sql: """
                            DELETE FROM quarantine WHERE id <= (
                                SELECT id FROM quarantine ORDER BY id DESC LIMIT 1 OFFSET ?)
                            """,
                        arguments: [max(0, keepingAtMost)])
                    deleted += db.changesCount
                    return .commit
                }
            }
            return deleted
        }
    }
}
