import GatewayCore

/// One metric of a route, ready to turn a raw value into a canonical one: the unit conversion is
/// looked up once at start-up, so an unknown unit is a configuration error and never reaches here.
struct MetricNormalizer: Sendable, Hashable {
    let name: String
    let declaredUnit: String
    let canonicalUnit: String
    let conversion: UnitCatalog.Conversion

    /// Builds the normalizer, or says why the unit cannot be used for this metric.
    static func make(_ mapping: MetricMapping) -> Result<MetricNormalizer, OptionProblem> {
        guard let conversion = UnitCatalog.conversion(from: mapping.unit) else {
            return .failure(OptionProblem("unknown unit '\(mapping.unit)'"))
        }
        if let quantity = MetricCatalog.quantity(of: mapping.name), quantity != conversion.quantity {
            return .failure(OptionProblem(
                "'\(mapping.name)' is measured in \(quantity.canonicalUnit) (or a unit convertible to it); '\(mapping.unit)' is a unit of \(conversion.quantity.rawValue)"))
        }
        return .success(MetricNormalizer(
            name: mapping.name, declaredUnit: mapping.unit,
            canonicalUnit: conversion.quantity.canonicalUnit, conversion: conversion))
    }

    /// The canonical value, or a failure for a value that no unit can make meaningful.
    func normalize(_ raw: Double) -> Result<(Double, QualityFlags), DecodeFailure> {
        guard raw.isFinite else {
            return .failure(DecodeFailure(.invalidValue, "metric '\(name)' is not a finite number"))
        }
        if conversion.isIdentity { return .success((raw, [])) }
        return .success((conversion.toCanonical(raw), .unitConverted))
    }
}

/// Turns a payload's timestamp into UTC epoch milliseconds.
enum TimestampNormalizer {
    /// Instants the gateway accepts: from 1970 up to the end of year 9999.
    static let validRange: ClosedRange<Double> = 0...253_402_300_799_999

    static func millis(number: Double, format: TimestampFormat, field: String) -> Result<EpochMillis, DecodeFailure> {
        let millis: Double
        switch format {
        case .epochMillis: millis = number
        case .epochSeconds: millis = number * 1000
        case .rfc3339:
            return .failure(DecodeFailure(.wrongType, "timestamp '\(field)' is a number; the route expects an RFC 3339 string"))
        }
        guard millis.isFinite, validRange.contains(millis) else {
            return .failure(DecodeFailure(.invalidValue,
                "timestamp '\(field)' = \(number) is outside 1970-01-01…9999-12-31 as \(format.rawValue)"))
        }
        return .success(EpochMillis(millis.rounded()))
    }

    static func millis(text: String, format: TimestampFormat, field: String) -> Result<EpochMillis, DecodeFailure> {
        switch format {
        case .rfc3339:
            guard let millis = RFC3339.parse(text), validRange.contains(Double(millis)) else {
                return .failure(DecodeFailure(.invalidValue,
                    "timestamp '\(field)' = \"\(text.prefix(40))\" is not an RFC 3339 date-time with an offset, like 2026-11-27T08:00:00.123Z"))
            }
            return .success(millis)
        case .epochMillis, .epochSeconds:
            guard let number = Double(text) else {
                return .failure(DecodeFailure(.wrongType,
                    "timestamp '\(field)' is the string \"\(text.prefix(40))\"; the route expects a number (\(format.rawValue))"))
            }
            return millis(number: number, format: format, field: field)
        }
    }
}
