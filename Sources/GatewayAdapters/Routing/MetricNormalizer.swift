import Foundation
import GatewayCore

/// Turns a unit symbol into the conversion of one metric's values into the canonical unit,
/// applying what the metric declares for units that need more than their symbol (absolute
/// pressure, %vol of a combustible gas). The same rules serve a unit declared in the configuration
/// (checked once, a configuration error) and a unit read from a payload (checked per reading, a
/// quarantine).
struct UnitResolution: Sendable, Hashable {
    let canonicalUnit: String
    let scale: Double
    let offset: Double

    @inlinable func apply(_ value: Double) -> Double { value * scale + offset }
    var isIdentity: Bool { scale == 1 && offset == 0 }

    /// The default lower explosive limit of methane in %vol, as in the GB sources.
    static let defaultLowerExplosiveLimit = 5.0

    static func resolve(_ unit: String, for mapping: MetricMapping) -> Result<UnitResolution, OptionProblem> {
        guard let conversion = UnitCatalog.conversion(from: unit) else {
            return .failure(OptionProblem("unknown unit '\(unit)'"))
        }
        if let quantity = MetricCatalog.quantity(of: mapping.name), quantity != conversion.quantity {
            return .failure(OptionProblem(
                "'\(mapping.name)' is measured in \(quantity.canonicalUnit) (or a unit convertible to it); '\(unit)' is a unit of \(conversion.quantity.rawValue)"))
        }
        var scale = conversion.scale
        var offset = conversion.offset
        switch conversion.needs {
        case nil:
            break
        case .atmosphericPressure:
            guard let atmosphere = mapping.atmosphericPressureKPa else {
                return .failure(OptionProblem(
                    "'\(unit)' is an absolute pressure and pressures are stored as gauge pressure; declare atmospheric_pressure (in kPa, e.g. 101.325) on the metric to convert it"))
            }
            offset -= atmosphere
        case .lowerExplosiveLimit:
            let limit = mapping.lowerExplosiveLimitPercentVol ?? defaultLowerExplosiveLimit
            scale *= 100 / limit
        }
        return .success(UnitResolution(canonicalUnit: conversion.quantity.canonicalUnit, scale: scale, offset: offset))
    }
}

/// One metric of a route, ready to turn a raw value into a canonical reading value.
struct MetricNormalizer<Path: Sendable & Hashable>: Sendable {
    /// Where the unit of a value comes from.
    enum UnitSource: Sendable {
        /// Declared in the configuration and resolved at start-up.
        case declared(UnitResolution)
        /// Read from the payload at this path, resolved per reading.
        case payloadPath(Path)
        /// Given by the record itself (a SenML record's `u`).
        case record
    }

    let mapping: MetricMapping
    let path: Path
    let unitSource: UnitSource

    var name: String { mapping.name }

    /// The canonical value, or why it cannot be one.
    func normalize(_ raw: Double, unit: UnitResolution) -> Result<(Double, QualityFlags), DecodeFailure> {
        guard raw.isFinite else {
            return .failure(DecodeFailure(.invalidValue, "metric '\(name)' is not a finite number"))
        }
        if unit.isIdentity { return .success((raw, [])) }
        let value = unit.apply(raw)
        guard value.isFinite else {
            return .failure(DecodeFailure(.invalidValue, "metric '\(name)' = \(raw) overflows when converted to \(unit.canonicalUnit)"))
        }
        return .success((value, .unitConverted))
    }
}

/// Turns a payload's timestamp into UTC epoch milliseconds.
enum TimestampNormalizer {
    /// Instants the gateway accepts at all: from 1970 up to the end of year 9999.
    static let validRange: ClosedRange<Double> = 0...253_402_300_799_999

    static func millis(
        _ value: FieldValue, format: TimestampFormat, zone: TimestampZone? = nil, field: String
    ) -> Result<EpochMillis, DecodeFailure> {
        switch value {
        case .number(let number): millis(number: number, format: format, field: field)
        case .string(let text): millis(text: text, format: format, zone: zone, field: field)
        case .bool, .structure:
            .failure(DecodeFailure(.wrongType,
                "timestamp '\(field)' is \(value.kindName); expected \(format == .rfc3339 || format == .localDateTime ? "a date-time string (\(format.rawValue))" : "a number (\(format.rawValue))")"))
        }
    }

    static func millis(number: Double, format: TimestampFormat, field: String) -> Result<EpochMillis, DecodeFailure> {
        let millis: Double
        switch format {
        case .epochMillis: millis = number
        case .epochSeconds: millis = number * 1000
        case .rfc3339, .localDateTime:
            return .failure(DecodeFailure(.wrongType, "timestamp '\(field)' is a number; the route expects a date-time string (\(format.rawValue))"))
        }
        guard millis.isFinite, validRange.contains(millis) else {
            return .failure(DecodeFailure(.invalidValue,
                "timestamp '\(field)' = \(number) is outside 1970-01-01…9999-12-31 as \(format.rawValue)"))
        }
        return .success(EpochMillis(millis.rounded()))
    }

    static func millis(
        text: String, format: TimestampFormat, zone: TimestampZone? = nil, field: String
    ) -> Result<EpochMillis, DecodeFailure> {
        switch format {
        case .localDateTime:
            guard let local = RFC3339.parseLocalDateTime(text), let zone else {
                return .failure(DecodeFailure(.invalidValue,
                    "timestamp '\(field)' = \"\(text.prefix(40))\" is not a date-time like 2026-11-27 07:45:00 (format: datetime)"))
            }
            let millis = zone.utcMillis(fromLocal: local)
            guard validRange.contains(Double(millis)) else {
                return .failure(DecodeFailure(.invalidValue, "timestamp '\(field)' is outside 1970-01-01…9999-12-31"))
            }
            return .success(millis)
        case .rfc3339:
            guard let millis = RFC3339.parse(text), validRange.contains(Double(millis)) else {
                return .failure(DecodeFailure(.invalidValue,
                    "timestamp '\(field)' = \"\(text.prefix(40))\" is not an RFC 3339 date-time with an offset, like 2026-11-27T08:00:00.123Z"))
            }
            return .success(millis)
        case .epochMillis, .epochSeconds:
            // Untrimmed first: most devices send no padding, and the trim allocates a new string.
            guard let number = Double(text) ?? Double(text.trimmingASCIISpaces()) else {
                return .failure(DecodeFailure(.wrongType,
                    "timestamp '\(field)' is the string \"\(text.prefix(40))\"; the route expects a number (\(format.rawValue))"))
            }
            return millis(number: number, format: format, field: field)
        }
    }
}
