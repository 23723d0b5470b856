import GatewayCore
import Testing

@testable import GatewayRules

/// The `rate` window keeps what the rule needs — the oldest reading inside the window, within a
/// small spacing, and the newest — however fast a series is sampled.
@Suite struct TimedValuesTests {
    @Test func aFastSeriesIsThinnedAndTheOldestInsideTheWindowStaysWithinTheSpacing() {
        let window: Int64 = 60_000  // 1 minute
        let spacing = window / TimedValues.pointsPerWindow
        var values = TimedValues()
        var maximum = 0
        for time in stride(from: Int64(0), to: 180_000, by: 1) {  // 1 kHz for 3 minutes
            values.trim(notAfter: time - window)
            values.append(time: time, value: Double(time), windowMillis: window)
            maximum = max(maximum, values.count)
            if time % 997 == 0, time >= window {
                let trueOldest = time - window + 1
                let kept = values.oldestTime!
                #expect(kept >= trueOldest && kept - trueOldest <= spacing, "oldest kept \(kept), true \(trueOldest)")
            }
        }
        // Kept points end up (spacing − 1) apart at 1 kHz: the one a replacement fixes is the newest.
        #expect(maximum <= Int(window / (spacing - 1)) + 2, "held \(maximum) points")
        #expect(values.count > 0)
    }

    @Test func theNewestReadingIsAlwaysTheLastPoint() {
        var values = TimedValues()
        for time in Int64(0)..<50 { values.append(time: time * 10, value: Double(time), windowMillis: 60_000) }
        #expect(values.times.last == 490 && values.values.last == 49)
    }

    @Test func aSlowSeriesKeepsEveryReading() {
        var values = TimedValues()
        for time in Int64(0)..<100 { values.append(time: time * 1_000, value: Double(time), windowMillis: 300_000) }
        #expect(values.count == 100)
    }

    @Test func aPointAfterASilenceIsNeverMergedIntoAnOlderOne() {
        // 0 and 100 ms, then silence, then 100 s: the 100 ms reading must stay (it is the oldest
        // once 0 leaves the window), so the late one is appended, not put in its place.
        var values = TimedValues()
        values.append(time: 0, value: 0, windowMillis: 300_000)
        values.append(time: 100, value: 1, windowMillis: 300_000)
        values.append(time: 100_000, value: 2, windowMillis: 300_000)
        values.trim(notAfter: 0)
        #expect(values.oldestTime == 100)
    }
}
