import GatewayCore

/// The unit of line protocol timestamps (`influx.precision`), as InfluxDB's write API names them.
/// Nanoseconds by default, because that is what InfluxDB and Telegraf write unless told otherwise.
enum InfluxPrecision: String, Sendable, CaseIterable {
    case nanoseconds = "ns"
    case microseconds = "us"
    case milliseconds = "ms"
    case seconds = "s"

    /// UTC epoch milliseconds for a timestamp in this precision, or `nil` when it lies outside
    /// 1970-01-01…9999-12-31 (the instants the gateway stores). Sub-millisecond digits are dropped
    /// (rounded toward the past), so that two points in the same millisecond keep their order.
    func millis(_ value: Int64) -> EpochMillis? {
        let millis: Int64
        switch self {
        case .nanoseconds: millis = Self.floorDivide(value, 1_000_000)
        case .microseconds: millis = Self.floorDivide(value, 1000)
        case .milliseconds: millis = value
        case .seconds:
            let (scaled, overflow) = value.multipliedReportingOverflow(by: 1000)
            guard !overflow else { return nil }
            millis = scaled
        }
        guard TimestampNormalizer.validRange.contains(Double(millis)) else { return nil }
        return millis
    }

    /// Division rounding toward negative infinity, so that instants before 1970 also round to the past.
    private static func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
        let quotient = value / divisor
        return value % divisor < 0 ? quotient - 1 : quotient
    }
}
