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
    }

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

    public init(
        keeper: BufferKeeper, policy: BufferPolicy, metricsFactory: any MetricsFactory, logger: Logger,
        clock: any WallClock = SystemWallClock(), interval: Duration = .seconds(5),
        onConditions: (@Sendable (_ now: BufferConditions, _ before: BufferConditions?) -> Void)? = nil
    ) {
        self.onConditions = onConditions
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

    /// One pass now (also for tests).
    public func runPass() {
        let policy = state.withLock { $0.policy }
        let now = clock.now()
        do {
            let pass = try keeper.enforce(policy, now: now)
            let totals = try keeper.totals()
            state.withLock { state in
                state.usedBytes = pass.usedBytes
                state.full = pass.full
                state.totals = totals
                state.lastPassAt = now
            }
            used.record(pass.usedBytes)
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
                highWater: Double(pass.usedBytes) >= BufferConditions.highWaterFraction * Double(policy.maxBytes),
                dropping: pass.deleted.dropped > 0, usedBytes: pass.usedBytes, maxBytes: policy.maxBytes,
                droppedInPass: Int64(pass.deleted.dropped)))
        } catch {
            logger.error("buffer.pass_failed", metadata: ["error": "\(error)"])
        }
    }

    /// Hands changed conditions to `onConditions`.
    private func report(_ conditions: BufferConditions) {
        guard let onConditions else { return }
        let (changed, before) = reported.withLock { last -> (Bool, BufferConditions?) in
            defer { last = conditions }
            return (last.map { $0.highWater != conditions.highWater || $0.dropping != conditions.dropping } ?? true, last)
        }
        if changed { onConditions(conditions, before) }
    }
}

/// The buffer's two alert conditions after a pass (issue 6: `buffer.high_water` at 80 %,
/// `buffer.dropping` while dropping).
public struct BufferConditions: Sendable, Hashable {
    /// The database's pages in use reached 80 % of `max_bytes`.
    public var highWater: Bool
    /// The pass dropped readings to stay under `max_bytes`.
    public var dropping: Bool
    public var usedBytes: Int64
    public var maxBytes: Int64
    public var droppedInPass: Int64

    public static let highWaterFraction = 0.8

    public init(highWater: Bool, dropping: Bool, usedBytes: Int64, maxBytes: Int64, droppedInPass: Int64) {
        self.highWater = highWater
        self.dropping = dropping
        self.usedBytes = usedBytes
        self.maxBytes = maxBytes
        self.droppedInPass = droppedInPass
    }
}
