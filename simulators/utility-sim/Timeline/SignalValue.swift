import Foundation
import GatewayCore

extension MetricSignal {
    /// The clean value (no noise) at `offset` milliseconds into a scenario whose time 0 is at
    /// `startHour` o'clock.
    func clean(at offset: Int64, startHour: Double) -> Double {
        let hours = Double(offset) / 3_600_000
        var value = baseline
        if let daily {
            let hourOfDay = (startHour + hours).truncatingRemainder(dividingBy: 24)
            value *= 1 + daily.change(at: hourOfDay)
        }
        return value + driftPerHour * hours
    }

    /// Rounds as the device prints it, within its range.
    func finish(_ value: Double) -> Double {
        var value = value
        if let minimum { value = max(minimum, value) }
        if let maximum { value = min(maximum, value) }
        let scale = pow(10, Double(decimals))
        return (value * scale).rounded() / scale
    }
}

extension DailyProfile {
    /// The relative change at `hour` (0 ..< 24).
    func change(at hour: Double) -> Double {
        switch self {
        case .amplitude(let amplitude):
            // 0 at 06:00 and 18:00, the full amplitude at noon, its opposite at midnight.
            return amplitude * sin((hour - 6) / 24 * 2 * .pi)
        case .hourly(let values):
            let low = Int(hour) % 24
            let high = (low + 1) % 24
            let fraction = hour - Double(Int(hour))
            return values[low] + (values[high] - values[low]) * fraction
        }
    }
}
