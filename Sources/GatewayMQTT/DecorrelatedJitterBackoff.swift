import GatewayCore

/// Reconnect delays: exponential growth with decorrelated jitter, always between the initial and the
/// maximum delay.
///
/// Many gateways that lost the same broker must not come back in lock-step, so every delay is random;
/// "decorrelated jitter" (each delay drawn from `[initial, 3 × previous]`, capped) grows about as fast
/// as doubling while never dropping below `initial` — unlike "full jitter", whose zero lower bound would
/// hammer a broker that is still down. The delays are plain seconds; the caller waits them out on a
/// monotonic clock. The random source is injected so that tests can pin it.
public struct DecorrelatedJitterBackoff: Sendable {
    public let initialSeconds: Double
    public let maxSeconds: Double
    private var previousSeconds: Double

    /// Delays at least `initialSeconds` (clamped to 1 ms or more) and at most `maxSeconds` (raised to
    /// `initialSeconds` if smaller).
    public init(initialSeconds: Double, maxSeconds: Double) {
        let initial = initialSeconds.isFinite ? max(initialSeconds, 0.001) : 1
        self.initialSeconds = initial
        self.maxSeconds = maxSeconds.isFinite ? max(maxSeconds, initial) : max(60, initial)
        self.previousSeconds = initial
    }

    /// From the configuration's `broker.reconnect`.
    public init(_ settings: ReconnectBackoff) {
        self.init(initialSeconds: settings.initialSeconds, maxSeconds: settings.maxSeconds)
    }

    /// The next delay: uniform in `[initial, min(max, 3 × previous delay)]`.
    public mutating func nextDelay(using random: inout some RandomNumberGenerator) -> Double {
        let upper = min(maxSeconds, max(initialSeconds, previousSeconds * 3))
        let unit = Double(random.next() >> 11) * 0x1.0p-53  // [0, 1)
        let delay = min(upper, initialSeconds + (upper - initialSeconds) * unit)
        previousSeconds = delay
        return delay
    }

    /// The next delay from the system's random source.
    public mutating func nextDelay() -> Double {
        var random = SystemRandomNumberGenerator()
        return nextDelay(using: &random)
    }

    /// Back to the initial delay, after a successful connection.
    public mutating func reset() {
        previousSeconds = initialSeconds
    }
}
