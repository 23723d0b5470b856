import GatewayCore

/// The identity of a series: what `series` stores once and `readings*.series_id` points to.
struct SeriesKey: Hashable, Sendable {
    var utility: Utility
    var site: String
    var device: String
    var metric: String

    init(_ reading: Reading) {
        utility = reading.utility
        site = reading.site
        device = reading.device
        metric = reading.metric
    }
}

/// A series row as the writer caches it.
struct SeriesEntry: Sendable {
    var id: Int64
    var unit: String
}

/// The writer's memory of the database, guarded by `ReadingStore.state`. Every field only changes
/// after the transaction that made it true has committed (invariant 6 in `ReadingStore.swift`).
struct WriterState: Sendable {
    var isClosed = false
    var series: [SeriesKey: SeriesEntry] = [:]
    var topics: [String: Int64] = [:]
    /// The highest ts ever moved to `readings`; `nil` until the first merge.
    var watermark: EpochMillis?
    /// Rows in `readings_recent`.
    var recentRows = 0
    /// When `readings_recent` last went from empty to non-empty (monotonic clock).
    var recentSince: ContinuousClock.Instant?
    /// Per forwarded stream, the seqs handed out and durably reserved (`SeqReservation`).
    var seqs: [String: SeqCounter] = [:]
    /// The merge in progress, if any (see `ReadingStore+Merge.swift`).
    var merge: MergePlan?
    /// When this writer last checkpointed (which syncs the WAL first): the merge after each chunk,
    /// `syncIfDue` otherwise (monotonic clock).
    var lastCheckpoint = ContinuousClock.now
}

/// A merge of the hot tier in chunks: the rows listed in `temp.merge_plan` when it was planned,
/// series range by series range.
struct MergePlan: Sendable {
    /// Inclusive series-id ranges, each holding about `mergeChunkRows` rows; done from the front.
    var ranges: ArraySlice<ClosedRange<Int64>>
}
