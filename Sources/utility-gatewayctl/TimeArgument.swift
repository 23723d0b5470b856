import ArgumentParser
import GatewayCore

/// A point in time as operators type it (see `TimeExpression`).
struct TimeArgument: ExpressibleByArgument {
    let millis: EpochMillis

    init?(argument: String) {
        guard let millis = TimeExpression.parse(argument, now: SystemWallClock().now()) else { return nil }
        self.millis = millis
    }

    static var defaultValueDescription: String { TimeExpression.expectation }
}
