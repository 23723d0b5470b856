import GatewayCore
import GatewayStore
import Logging

extension BufferEnforcer {
    /// `when_full: pause_ingest`: pause above `maxBytes` or while the disk is full; resume under
    /// `resumeBelowPercent` % of `maxBytes` with the disk no longer full. With
    /// `drop_oldest_readings` ingest is never paused (the oldest readings make room instead).
    func applyPause(_ policy: BufferPolicy, pass: BufferPass, diskFull: Bool) {
        guard !policy.dropOldestWhenFull else { return }
        let wasPaused = state.withLock { $0.ingestPaused }
        let shouldPause = wasPaused
            ? pass.usedBytes > policy.maxBytes / 100 * Self.resumeBelowPercent || diskFull
            : pass.full || diskFull
        guard shouldPause != wasPaused else { return }
        state.withLock { state in
            state.ingestPaused = shouldPause
            if shouldPause { state.pauses += 1 }
        }
        pausedGauge.record(shouldPause ? 1 : 0)
        if shouldPause { pauseCounter.increment() }
        if shouldPause {
            logger.warning("buffer.ingest_paused", metadata: [
                "buffer.used_bytes": "\(pass.usedBytes)", "buffer.max_bytes": "\(policy.maxBytes)",
                "store.disk_full": "\(diskFull)",
                "reason": "when_full: pause_ingest; the broker queues for our persistent session within its max_queued_messages",
            ])
        } else {
            logger.notice("buffer.ingest_resumed", metadata: [
                "buffer.used_bytes": "\(pass.usedBytes)", "buffer.max_bytes": "\(policy.maxBytes)",
            ])
        }
        pauseIngest(shouldPause)
    }

    /// While the disk is full: checks whether space came back (then clears the state), and with
    /// `drop_oldest_readings` returns the size bound the disk really allows — the store's used size
    /// when it filled up — so that this pass drops the oldest readings to 90 % of it.
    func diskSizeLimit(_ policy: BufferPolicy) throws -> Int64? {
        guard let diskSpace, diskSpace.snapshot.full else { return nil }
        if diskSpace.snapshot.usedBytesWhenFull == nil { diskSpace.noteUsedBytes(try keeper.usedBytes()) }
        let margin = min(Self.diskResumeMarginBytes, (DiskSpace.totalBytes(at: keeper.path) ?? Int64.max) / 10)
        if let free = DiskSpace.freeBytes(at: keeper.path), free >= margin {
            if diskSpace.cleared() {
                logger.notice("store.disk_space_returned", metadata: ["store.free_bytes": "\(free)"])
            }
            return nil
        }
        return policy.dropOldestWhenFull ? diskSpace.snapshot.usedBytesWhenFull : nil
    }
}
