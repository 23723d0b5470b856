import GatewayCore

/// A small deque of (event time, value) pairs for one series' `rate` window: appended at the back,
/// trimmed at the front, storage reused (no allocation per reading once warm).
///
/// Thinned to at most about ``pointsPerWindow`` points: `rate` needs only the oldest reading
/// inside the window and the newest, so a point that arrives less than `window / pointsPerWindow`
/// after the last point kept for good replaces the newest instead of adding one. Every point
/// dropped that way has a kept point at most that spacing after it, so the "oldest inside the
/// window" the rule sees is at most `window / 1024` younger than the true one (0.3 s for a
/// 5-minute window) — and a series sampled at 1 kHz holds ~1,000 points, not 300,000. Before, a
/// cap of 4,096 points per series made a fast feed (CSV batches of rows 1 ms apart) hold megabytes
/// per series, and the rules' snapshot grew to hundreds of megabytes.
///
/// Also capped at ``capacityLimit`` entries (a window whose spacing rounds to zero).
struct TimedValues: Sendable, Hashable, Codable {
    static let capacityLimit = 4096
    static let pointsPerWindow: Int64 = 1024

    private(set) var times: [EpochMillis] = []
    private(set) var values: [Double] = []
    private var head = 0

    var isEmpty: Bool { head == times.count }
    var count: Int { times.count - head }
    var oldestValue: Double? { isEmpty ? nil : values[head] }
    var oldestTime: EpochMillis? { isEmpty ? nil : times[head] }

    /// Appends the newest reading of a window of `windowMillis` (see the type's notes on thinning).
    mutating func append(time: EpochMillis, value: Double, windowMillis: Int64) {
        let spacing = windowMillis / Self.pointsPerWindow
        if count >= 2, time - times[times.count - 2] < spacing {
            times[times.count - 1] = time
            values[values.count - 1] = value
            return
        }
        append(time: time, value: value)
    }

    mutating func append(time: EpochMillis, value: Double) {
        if count >= Self.capacityLimit { head += 1 }
        if head > 32, head * 2 > times.count {
            times.removeFirst(head)
            values.removeFirst(head)
            head = 0
        }
        times.append(time)
        values.append(value)
    }

    /// Drops entries at or before `cutoff` (the window is `(now − window, now]`).
    mutating func trim(notAfter cutoff: EpochMillis) {
        while head < times.count, times[head] <= cutoff { head += 1 }
        if head == times.count, head > 0 {
            times.removeAll(keepingCapacity: true)
            values.removeAll(keepingCapacity: true)
            head = 0
        }
    }

    enum CodingKeys: String, CodingKey { case times, values }

    init() {}

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        times = try container.decode([EpochMillis].self, forKey: .times)
        values = try container.decode([Double].self, forKey: .values)
        guard times.count == values.count else {
            throw DecodingError.dataCorruptedError(
                forKey: .values, in: container, debugDescription: "times and values differ in length")
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(Array(times[head...]), forKey: .times)
        try container.encode(Array(values[head...]), forKey: .values)
    }

    static func == (lhs: TimedValues, rhs: TimedValues) -> Bool {
        lhs.times[lhs.head...].elementsEqual(rhs.times[rhs.head...])
            && lhs.values[lhs.head...].elementsEqual(rhs.values[rhs.head...])
    }

    func hash(into hasher: inout Hasher) {
        for time in times[head...] { hasher.combine(time) }
    }
}

/// Event times only (activations for chattering and flood counting), same trimming rule.
struct TimeWindow: Sendable, Hashable, Codable {
    private(set) var times: [EpochMillis] = []

    var count: Int { times.count }
    var oldest: EpochMillis? { times.first }

    mutating func append(_ time: EpochMillis) { times.append(time) }

    /// Drops times at or before `cutoff`. These windows are short (a handful of activations), so
    /// removing from the front is cheap.
    mutating func trim(notAfter cutoff: EpochMillis) {
        var drop = 0
        while drop < times.count, times[drop] <= cutoff { drop += 1 }
        if drop > 0 { times.removeFirst(drop) }
    }
}
