import GatewayCore

/// A small deque of (event time, value) pairs for one series' `rate` window: appended at the back,
/// trimmed at the front, storage reused (no allocation per reading once warm).
///
/// Capped at ``capacityLimit`` entries: a series sampling faster than the cap allows over its
/// window loses its oldest points, so the window is effectively shorter for it.
struct TimedValues: Sendable, Hashable, Codable {
    static let capacityLimit = 4096

    private(set) var times: [EpochMillis] = []
    private(set) var values: [Double] = []
    private var head = 0

    var isEmpty: Bool { head == times.count }
    var count: Int { times.count - head }
    var oldestValue: Double? { isEmpty ? nil : values[head] }
    var oldestTime: EpochMillis? { isEmpty ? nil : times[head] }

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
