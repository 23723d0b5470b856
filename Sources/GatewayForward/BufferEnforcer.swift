import CoreMetrics
import Dispatch
import GatewayCore
import GatewayStore
import Logging
import Synchronization

/// Runs the buffer policy (`BufferKeeper`) every few seconds on a thread of its own and keeps its
/// state for operators (status document, `gateway_buffer_*` and `gateway_uplink_dropped_*` metrics).
///
/// Its own thread and database connection, like the forwarder: deletions take the write lock only
/// for one short chunk at a time, and the ingest loop never waits for a whole pass.
public final class BufferEnforcer: Sendable {
    /// The policy's state at the last pass.
    public struct Snapshot: Sendable, Hashable {
        public var policy: BufferPolicy
        public var usedBytes: Int64 = 0
        /// Above `maxBytes` after the last pass.
        public var full = false
        /// Since the store was created (exact, from the store).
        public var totals = BufferTotals()
        public var lastPassAt: EpochMillis?
        /// `when_full: pause_ingest` holds ingest paused (store above `maxBytes`, or the disk full).
        public var ingestPaused = false
        /// Times ingest was paused since start.
        public var pauses = 0
        /// The disk filled up (see `DiskSpace`).
        public var disk = DiskSpace.Snapshot()
        /// How far retention stayed behind the wall clock at the last pass (a clock step; see
        /// `RetentionClockGuard`).
        public var retentionHeldBackMillis: Int64 = 0
    }

    /// Resume a paused ingest once the store is back under this share of `maxBytes` (hysteresis,
    /// so that one pass does not pause and the next resume for a few bytes).
    public static let resumeBelowPercent: Int64 = 95
    /// A full disk counts as having space again when its file system has this much free (or a tenth
    /// of its size, when that is less).
    public static let diskResumeMarginBytes: Int64 = 16 << 20

    let keeper: BufferKeeper
    let logger: Logger
    let clock: any WallClock
    let interval: Duration
    let state: Mutex<Snapshot>
    let stopRequested = Atomic<Bool>(false)
    let wake = DispatchSemaphore(value: 0)
    /// Receives the buffer's conditions when they change, with the previous ones (and after the
    /// first pass, with `nil`, whatever they are: a condition may have ended while the gateway was
    /// down).
    private let onConditions: (@Sendable (_ now: BufferConditions, _ before: BufferConditions?) -> Void)?
    private let reported = Mutex<BufferConditions?>(nil)
    private let dropped: Counter
    private let droppedUnforwarded: Counter
    private let retentionDeleted: Counter
    private let used: Gauge
    let pausedGauge: Gauge
    let pauseCounter: Counter
    private let diskFullGauge: Gauge
    /// `nil` when no disk-full reports are wired (tests).
    public let diskSpace: DiskSpace?
    /// Pauses (`true`) and resumes (`false`) the ingest client; called from the policy thread.
    let pauseIngest: @Sendable (Bool) -> Void
    let lastPassInstant = Mutex<ContinuousClock.Instant?>(nil)

    public init(
        keeper: BufferKeeper, policy: BufferPolicy, metricsFactory: any MetricsFactory, logger: Logger,
        clock: any WallClock = SystemWallClock(), interval: Duration = .seconds(5), diskSpace: DiskSpace? = nil,
        pauseIngest: @escaping @Sendable (Bool) -> Void = { _ in },
        onConditions: (@Sendable (_ now: BufferConditions, _ before: BufferConditions?) -> Void)? = nil
    ) {
        self.onConditions = onConditions
        self.diskSpace = diskSpace
        self.pauseIngest = pauseIngest
        pausedGauge = Gauge(label: "gateway_buffer_ingest_paused", factory: metricsFactory)
        pauseCounter = Counter(label: "gateway_buffer_ingest_pauses_total", factory: metricsFactory)
        diskFullGauge = Gauge(label: "gateway_store_disk_full", factory: metricsFactory)
        self.keeper = keeper
        self.logger = logger
        self.clock = clock
        self.interval = interval
        state = Mutex(Snapshot(policy: policy))
        dropped = Counter(label: "gateway_buffer_dropped_readings_total", factory: metricsFactory)
        droppedUnforwarded = Counter(label: "gateway_uplink_dropped_readings_total", factory: metricsFactory)
        retentionDeleted = Counter(label: "gateway_buffer_retention_deleted_readings_total", factory: metricsFactory)
        used = Gauge(label: "gateway_buffer_used_bytes", factory: metricsFactory)
    }

    public var snapshot: Snapshot { state.withLock { $0 } }

    public func stop() {
        stopRequested.store(true, ordering: .relaxed)
        wake.signal()
    }

    /// Passes every `interval` until `stop()`. A failed pass is logged and retried at the next one.
    public func run() {
        if let totals = try? keeper.totals() { state.withLock { $0.totals = totals } }
        while !stopRequested.load(ordering: .relaxed) {
            runPass()
            _ = wake.wait(timeout: .now() + .milliseconds(Int(interval.components.seconds * 1000 + interval.components.attoseconds / 1_000_000_000_000_000)))
        }
    }

    /// Runs a pass soon (the ingest pipeline found the disk full).
    public func wakeUp() { wake.signal() }

    /// One pass now (also for tests).
    public func runPass() {
        let policy = state.withLock { $0.policy }
        let now = clock.now()
        let instant = ContinuousClock.now
        // Since the last pass that saved its retention cutoff: a pass that could not (a full disk)
        // must not let the cutoff run ahead later.
        let elapsed = lastPassInstant.withLock { last in last.map { instant - $0 } }
        do {
            let sizeLimit = try diskSizeLimit(policy)
            let pass = try keeper.enforce(
                policy, now: now, elapsed: elapsed, sizeLimit: sizeLimit,
                shouldStop: { self.stopRequested.load(ordering: .relaxed) })
            if pass.cutoffSaved { lastPassInstant.withLock { $0 = instant } }
            let totals = try keeper.totals()
            let disk = diskSpace?.snapshot ?? DiskSpace.Snapshot()
            let heldBackBefore = state.withLock { $0.retentionHeldBackMillis }
            state.withLock { state in
                state.usedBytes = pass.usedBytes
                state.full = pass.full
                state.totals = totals
                state.lastPassAt = now
                state.disk = disk
                state.retentionHeldBackMillis = pass.retentionHeldBackMillis
            }
            used.record(pass.usedBytes)
            diskFullGauge.record(disk.full ? 1 : 0)
            applyPause(policy, pass: pass, diskFull: disk.full)
            // Logged when it starts, not at every pass: the status shows it for as long as it lasts.
            if pass.retentionHeldBackMillis > RetentionClockGuard.slackMillis && heldBackBefore <= RetentionClockGuard.slackMillis {
                logger.warning("buffer.retention_held_back", metadata: [
                    "buffer.held_back_seconds": "\(pass.retentionHeldBackMillis / 1000)",
                    "reason": "the wall clock moved faster than real time (a clock step?); retention follows real time",
                ])
            }
            if pass.deleted.retentionDeleted > 0 {
                retentionDeleted.increment(by: pass.deleted.retentionDeleted)
                logger.info("buffer.retention", metadata: ["buffer.deleted": "\(pass.deleted.retentionDeleted)"])
            }
            if pass.deleted.dropped > 0 {
                dropped.increment(by: pass.deleted.dropped)
                if pass.deleted.droppedUnforwarded > 0 { droppedUnforwarded.increment(by: pass.deleted.droppedUnforwarded) }
                logger.warning("buffer.dropped", metadata: [
                    "buffer.dropped": "\(pass.deleted.dropped)", "buffer.dropped_unforwarded": "\(pass.deleted.droppedUnforwarded)",
                    "buffer.used_bytes": "\(pass.usedBytes)", "buffer.max_bytes": "\(policy.maxBytes)",
                ])
            }
            if pass.full {
                logger.warning("buffer.full", metadata: [
                    "buffer.used_bytes": "\(pass.usedBytes)", "buffer.max_bytes": "\(policy.maxBytes)",
                ])
            }
            report(BufferConditions(
                highWater: Double(pass.peakUsedBytes) >= BufferConditions.highWaterFraction * Double(policy.maxBytes),
                dropping: pass.deleted.dropped > 0, usedBytes: pass.usedBytes, maxBytes: policy.maxBytes,
                droppedInPass: Int64(pass.deleted.dropped), diskFull: disk.full))
        } catch {
            logger.error("buffer.pass_failed", metadata: ["error": "\(error)"])
            // A full disk can fail the pass itself (deleting needs WAL space): pausing must not
            // depend on it.
            if let disk = diskSpace?.snapshot, disk.full {
                let last = state.withLock { state in
                    state.disk = disk
                    return BufferPass(usedBytes: state.usedBytes, full: state.full)
                }
                diskFullGauge.record(1)
                applyPause(policy, pass: last, diskFull: true)
                var conditions = reported.withLock { $0 } ?? BufferConditions(
                    highWater: false, dropping: false, usedBytes: last.usedBytes, maxBytes: policy.maxBytes, droppedInPass: 0)
                conditions.diskFull = true
                report(conditions)
            }
        }
    }

    /// Hands changed conditions to `onConditions`.
    private func report(_ conditions: BufferConditions) {
        guard let onConditions else { return }
        let (changed, before) = reported.withLock { last -> (Bool, BufferConditions?) in
            defer { last = conditions }
            return (last.map { !$0.sameAlerts(as: conditions) } ?? true, last)
        }
        if changed { onConditions(conditions, before) }
    }
}

/// The buffer's alert conditions after a pass (issue 6: `buffer.high_water` at 80 %,
/// `buffer.dropping` while dropping, and `store.disk_full` while the file system is full).
public struct BufferConditions: Sendable, Hashable {
    /// The database's pages in use reached 80 % of `max_bytes` during the pass (a pass that had to
    /// drop always did, wherever the drop left it; the next pass clears it if the store stays below).
    public var highWater: Bool
    /// The pass dropped readings to stay under `max_bytes`.
    public var dropping: Bool
    public var usedBytes: Int64
    public var maxBytes: Int64
    public var droppedInPass: Int64
    /// The file system under the store is full (see `DiskSpace`).
    public var diskFull: Bool

    public static let highWaterFraction = 0.8

    public init(
        highWater: Bool, dropping: Bool, usedBytes: Int64, maxBytes: Int64, droppedInPass: Int64, diskFull: Bool = false
    ) {
        self.highWater = highWater
        self.dropping = dropping
        self.usedBytes = usedBytes
        self.maxBytes = maxBytes
        self.droppedInPass = droppedInPass
        self.diskFull = diskFull
    }

    /// Whether `other` raises and clears the same alerts (the figures may differ).
    func sameAlerts(as other: BufferConditions) -> Bool {
        highWater == other.highWater && dropping == other.dropping && diskFull == other.diskFull
    }
}
