import GatewayCore
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Whether the store's file system ran out of space, shared by the ingest pipeline (which finds
/// out: a commit failed with `SQLITE_FULL`) and the buffer enforcer (which applies the policy and
/// reports it).
///
/// A full disk is not a crash: the failed commit wrote nothing (`ReadingStore` invariant 1), its
/// acks were withheld, and the broker redelivers the batch to the next connection. This object only
/// remembers that it happened, so that the policy can act and operators can see it.
public final class DiskSpace: Sendable {
    public struct Snapshot: Sendable, Hashable {
        /// A commit failed for lack of space and none has succeeded since.
        public var full = false
        /// When it last started (wall clock).
        public var since: EpochMillis?
        /// Commits that failed for lack of space, since start.
        public var failedCommits = 0
        /// Times the disk filled up (a run of failures counts once), since start.
        public var episodes = 0
        /// The store's used size when it last filled up: the size bound the disk really allows.
        public var usedBytesWhenFull: Int64?

        public init() {}
    }

    private let state = Mutex(Snapshot())
    private let isFull = Atomic<Bool>(false)

    public init() {}

    public var snapshot: Snapshot { state.withLock { $0 } }

    /// A commit failed with `SQLITE_FULL`. Returns true when this starts an episode.
    @discardableResult
    public func commitFailed(at now: EpochMillis) -> Bool {
        isFull.store(true, ordering: .relaxed)
        return state.withLock { state in
            state.failedCommits += 1
            guard !state.full else { return false }
            state.full = true
            state.since = now
            state.episodes += 1
            state.usedBytesWhenFull = nil
            return true
        }
    }

    /// A commit succeeded (cheap when the disk was not full). Returns true when this ends an episode.
    @discardableResult
    public func commitSucceeded() -> Bool {
        guard isFull.load(ordering: .relaxed) else { return false }
        return cleared()
    }

    /// Space came back (the file system reports free space again). Returns true when this ends an episode.
    @discardableResult
    public func cleared() -> Bool {
        isFull.store(false, ordering: .relaxed)
        return state.withLock { state in
            guard state.full else { return false }
            state.full = false
            state.since = nil
            return true
        }
    }

    /// Records the store's used size at the moment the disk was found full.
    public func noteUsedBytes(_ bytes: Int64) {
        state.withLock { $0.usedBytesWhenFull = bytes }
    }

    /// Free bytes for an unprivileged writer on the file system holding `path`, or nil when unknown.
    public static func freeBytes(at path: String) -> Int64? {
        var info = statvfs()
        guard statvfs(path, &info) == 0 else { return nil }
        return Int64(info.f_bavail) * Int64(info.f_frsize)
    }

    /// Total size of the file system holding `path`, or nil when unknown.
    public static func totalBytes(at path: String) -> Int64? {
        var info = statvfs()
        guard statvfs(path, &info) == 0 else { return nil }
        return Int64(info.f_blocks) * Int64(info.f_frsize)
    }
}
