import GatewayCore

/// One rule watching one series: the condition's memory (levels held by deadband, the rate window,
/// the flatline run, when data was last seen) and the lifecycle of its current alert episode.
struct Tracker: Sendable {
    let ruleIndex: Int
    let seriesIndex: Int
    let deviceIndex: Int
    let siteIndex: Int
    /// Rule `safety` or device attribute `safety: true`.
    let safety: Bool
    let isNoData: Bool
    /// For `no_data` rules: the resolved period.
    let noDataMillis: Int64
    /// Due time of this tracker's one live timer-heap entry.
    var scheduledAt: EpochMillis?
    var s: TrackerState
}

/// The persistent part of a ``Tracker`` (it goes into the snapshot).
struct TrackerState: Sendable, Hashable, Codable {
    /// Event time of the last reading applied (readings older than this are skipped for the series).
    var lastTime: EpochMillis?
    var lastValue: Double?
    /// The condition as of now (after deadband): `nil` when normal.
    var severity: Severity?
    var threshold: Double?
    /// The value the condition judged (the reading, or for `rate` the change over the window).
    var conditionValue: Double?
    /// Levels held per side (`below`/`drop` low, `above`/`rise` high), for deadband.
    var low: Severity?
    var high: Severity?
    /// Since when the condition holds without a break (event time).
    var conditionSince: EpochMillis?
    /// Since when the condition is clear while the episode is still active (off-delay running).
    var clearSince: EpochMillis?
    /// `rate`: the readings inside the window.
    var window: TimedValues?
    /// `flatline`: first reading of the current run.
    var runStart: EpochMillis?
    var runValue: Double?
    /// The episode this tracker drives (pending or active), if any.
    var currentAlertID: String?
    /// Whether the current episode's `pending` event was emitted (it is not without an on-delay).
    var pendingAnnounced = false
    /// Every current alert of this tracker: the current episode and earlier ones still waiting in
    /// `cleared_unack`.
    var alertIDs: [String] = []
    /// Shelving (by an operator or for chattering), wall time it ends.
    var shelvedUntil: EpochMillis?
    var shelvedBy: String?
    /// Recent activations (event time), for chattering.
    var activations = TimeWindow()
}

extension Tracker {
    /// Judges one reading against the rule's condition and updates the condition's memory.
    /// Returns whether anything the lifecycle cares about may have changed.
    mutating func observe(_ value: Double, at time: EpochMillis, rule: CompiledRule) -> Bool {
        s.lastTime = time
        // Non-finite values are data for `no_data` but judged by nothing else, and never kept:
        // the snapshot and the history are JSON, which has no NaN.
        if value.isFinite { s.lastValue = value }
        let before = s.severity
        switch rule.condition {
        case .above(let levels):
            guard value.isFinite else { return false }
            let (level, threshold) = Self.judge(levels, value, held: s.high, deadband: rule.deadband, upward: true)
            s.high = level
            set(level, threshold: threshold, value: value, at: time)
        case .below(let levels):
            guard value.isFinite else { return false }
            let (level, threshold) = Self.judge(levels, value, held: s.low, deadband: rule.deadband, upward: false)
            s.low = level
            set(level, threshold: threshold, value: value, at: time)
        case .outside(let lowLevels, let highLevels):
            guard value.isFinite else { return false }
            let (low, lowThreshold) = Self.judge(lowLevels, value, held: s.low, deadband: rule.deadband, upward: false)
            let (high, highThreshold) = Self.judge(highLevels, value, held: s.high, deadband: rule.deadband, upward: true)
            s.low = low
            s.high = high
            if let high, low == nil || high >= low! {
                set(high, threshold: highThreshold, value: value, at: time)
            } else {
                set(low, threshold: lowThreshold, value: value, at: time)
            }
        case .rate(let windowMillis, let rise, let drop):
            guard value.isFinite else { return false }
            if s.window == nil { s.window = TimedValues() }
            s.window!.trim(notAfter: time - windowMillis)
            s.window!.append(time: time, value: value, windowMillis: windowMillis)
            let change = value - (s.window!.oldestValue ?? value)
            var up: (Severity?, Double?) = (nil, nil)
            var down: (Severity?, Double?) = (nil, nil)
            if let rise { up = Self.judge(rise, change, held: s.high, deadband: rule.deadband, upward: true) }
            if let drop { down = Self.judge(drop, -change, held: s.low, deadband: rule.deadband, upward: true) }
            s.high = up.0
            s.low = down.0
            if let high = up.0, down.0 == nil || high >= down.0! {
                set(high, threshold: up.1, value: change, at: time)
            } else {
                set(down.0, threshold: down.1.map { -$0 }, value: change, at: time)
            }
        case .noData:
            // Data arrived: the condition (if it held) is over.
            if s.severity != nil { set(nil, threshold: nil, value: value.isFinite ? value : nil, at: time) }
        case .flatline(let forMillis, let tolerance):
            guard value.isFinite else { return false }
            if let start = s.runStart, let first = s.runValue, abs(value - first) <= tolerance {
                set(time - start >= forMillis ? .warning : nil, threshold: nil, value: value, at: time)
            } else {
                s.runStart = time
                s.runValue = value
                set(nil, threshold: nil, value: value, at: time)
            }
        }
        return before != nil || s.severity != nil || s.currentAlertID != nil
    }

    /// `no_data` as time passes: the condition begins once `noDataMillis` went by without a reading.
    func noDataDue() -> EpochMillis? {
        guard isNoData, s.severity == nil, let last = s.lastTime else { return nil }
        return last + noDataMillis
    }

    private mutating func set(_ level: Severity?, threshold: Double?, value: Double?, at time: EpochMillis) {
        if level != nil, s.severity == nil { s.conditionSince = time }
        if level == nil { s.conditionSince = nil }
        s.severity = level
        if level != nil { s.threshold = threshold }
        s.conditionValue = value
    }

    /// One side of a level condition with hysteresis: a level is on when the value is strictly past
    /// it, or when it was on and the value has not yet come back past it by the deadband.
    @inline(__always)
    static func judge(
        _ levels: SeverityLevels, _ value: Double, held: Severity?, deadband: Double, upward: Bool
    ) -> (Severity?, Double?) {
        @inline(__always) func on(_ level: Double?, _ severity: Severity) -> Bool {
            guard let level else { return false }
            let holding = held.map { $0 >= severity } ?? false
            if upward { return value > level || (holding && value > level - deadband) }
            return value < level || (holding && value < level + deadband)
        }
        if on(levels.critical, .critical) { return (.critical, levels.critical) }
        if on(levels.warning, .warning) { return (.warning, levels.warning) }
        return (nil, nil)
    }
}
