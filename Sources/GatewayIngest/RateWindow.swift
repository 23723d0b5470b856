import GatewayCore

/// Arrivals per second over the last minute, from 60 one-second buckets: cheap to update on every
/// batch and to read on every status request, and honest about a feed that just stopped (the rate
/// falls to zero within a minute instead of staying at its last value).
struct RateWindow: Sendable {
    private static let seconds = 60
    private var messages = [Int](repeating: 0, count: seconds)
    private var readings = [Int](repeating: 0, count: seconds)
    /// The second (epoch) each bucket belongs to.
    private var stamps = [Int64](repeating: -1, count: seconds)
    /// The second counting started: during the first minute the mean is over the seconds since.
    private let startSecond: Int64

    init(startedAt: EpochMillis) {
        startSecond = startedAt / 1000
    }

    mutating func add(messages count: Int, readings stored: Int, at time: EpochMillis) {
        let second = time / 1000
        let index = Int(second % Int64(Self.seconds))
        if stamps[index] != second {
            stamps[index] = second
            messages[index] = 0
            readings[index] = 0
        }
        messages[index] += count
        readings[index] += stored
    }

    /// Means over the 60 whole seconds before `now` (the running second is still filling up), or
    /// over the whole seconds since the start when that is less than a minute ago.
    func perSecond(now: EpochMillis) -> (messagesPerSecond: Double, readingsPerSecond: Double) {
        let current = now / 1000
        let span = Double(max(1, min(Int64(Self.seconds), current - startSecond)))
        var m = 0
        var r = 0
        for index in 0..<Self.seconds where stamps[index] < current && stamps[index] >= current - Int64(Self.seconds) {
            m += messages[index]
            r += readings[index]
        }
        return (Double(m) / span, Double(r) / span)
    }
}
