import GatewayCore
import GatewayMQTT
import Testing

/// A random source that returns fixed values in turn.
struct ScriptedRandom: RandomNumberGenerator {
    var values: [UInt64]
    var index = 0
    mutating func next() -> UInt64 {
        defer { index = (index + 1) % values.count }
        return values[index]
    }
}

@Suite("Reconnect backoff")
struct BackoffTests {
    @Test("with the highest draws, delays grow by 3x up to the maximum and stay there")
    func growthToMaximum() {
        var backoff = DecorrelatedJitterBackoff(initialSeconds: 1, maxSeconds: 60)
        var random = ScriptedRandom(values: [.max])
        let delays = (0..<8).map { _ in backoff.nextDelay(using: &random) }
        #expect(delays.allSatisfy { $0 >= 1 && $0 <= 60 })
        for (earlier, later) in zip(delays, delays.dropFirst()) {
            #expect(later >= earlier)
        }
        #expect(abs(delays[0] - 3) < 1e-6)
        #expect(abs(delays[1] - 9) < 1e-6)
        #expect(abs(delays[2] - 27) < 1e-6)
        #expect(delays.suffix(4).allSatisfy { abs($0 - 60) < 1e-6 })
    }

    @Test("with the lowest draws, every delay is the initial delay")
    func lowestDrawsStayAtInitial() {
        var backoff = DecorrelatedJitterBackoff(initialSeconds: 0.5, maxSeconds: 30)
        var random = ScriptedRandom(values: [0])
        #expect((0..<5).map { _ in backoff.nextDelay(using: &random) } == Array(repeating: 0.5, count: 5))
    }

    @Test("any draws stay within [initial, max], and different draws give different delays")
    func boundsAndJitter() {
        var random = SystemRandomNumberGenerator()
        var backoff = DecorrelatedJitterBackoff(initialSeconds: 0.2, maxSeconds: 5)
        let delays = (0..<1000).map { _ in backoff.nextDelay(using: &random) }
        #expect(delays.allSatisfy { $0 >= 0.2 && $0 <= 5 })
        #expect(Set(delays).count > 900)

        var a = DecorrelatedJitterBackoff(initialSeconds: 1, maxSeconds: 60)
        var b = a
        var low = ScriptedRandom(values: [UInt64.max / 4])
        var high = ScriptedRandom(values: [UInt64.max / 4 * 3])
        _ = (a.nextDelay(using: &low), b.nextDelay(using: &high))
        #expect(a.nextDelay(using: &low) < b.nextDelay(using: &high))
    }

    @Test("reset starts the growth again from the initial delay")
    func reset() {
        var backoff = DecorrelatedJitterBackoff(ReconnectBackoff(initialSeconds: 1, maxSeconds: 60))
        var random = ScriptedRandom(values: [.max])
        for _ in 0..<6 { _ = backoff.nextDelay(using: &random) }
        #expect(abs(backoff.nextDelay(using: &random) - 60) < 1e-6)
        backoff.reset()
        #expect(abs(backoff.nextDelay(using: &random) - 3) < 1e-6)
    }

    @Test("nonsensical settings are clamped instead of producing zero or negative delays")
    func clamping() {
        var backoff = DecorrelatedJitterBackoff(initialSeconds: 0, maxSeconds: -1)
        var random = ScriptedRandom(values: [.max])
        let delay = backoff.nextDelay(using: &random)
        #expect(delay > 0)
        #expect(backoff.maxSeconds >= backoff.initialSeconds)
    }
}
