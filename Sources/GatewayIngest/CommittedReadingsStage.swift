import GatewayCore
import GatewayStore

/// A stage after the store (evaluate → alert/ticket; later forward): it consumes what the store
/// committed, in store order, from its own cursor — so it never slows an acknowledgement and never
/// misses a reading, whatever happens between two calls.
///
/// The pipeline calls `catchUp()` after commits that stored readings and about once a second while
/// idle, and `tick()` about once a second — on a thread of the stages' own in the daemon
/// (`IngestPipeline.runStagesUntilStopped()`), from `maintenance()` on the ingest loop's thread
/// otherwise — and `record(_:)` for gateway events from whichever thread saw them.
public protocol CommittedReadingsStage: Sendable {
    /// Processes readings committed since the last call; returns how many. `committed` is what the
    /// latest commits stored, in memory: a stage whose cursor is at its `afterSeq` takes it from
    /// there; any other stage (a backlog, a restart) reads the store from its cursor, at most
    /// `limit` readings.
    @discardableResult func catchUp(limit: Int, committed: CommittedReadings?) throws -> Int
    /// Lets wall time pass (time-based conditions, deadlines, expiries).
    func tick() throws
    /// A gateway event, such as a possible data gap.
    func record(_ event: GatewayEvent) throws
    /// Whether the stage evaluates readings (a rules stage without rules does not).
    var consumesReadings: Bool { get }
}

extension CommittedReadingsStage {
    /// Whether the stage evaluates readings at all; when none does, commits do not collect them
    /// for it. Default: it does.
    public var consumesReadings: Bool { true }
}
