import Foundation
import GatewayCore

/// The part of decoding that is the same for every format: a record's identity (utility, site,
/// device from templates), its event time, its metric values with their units, and the checks on
/// all of them. Built once per route; each adapter supplies records and its path syntax.
struct RecordMapper<Path: Sendable & Hashable>: Sendable {
    /// How a format's records behave, set by the adapter.
    struct Behaviour: Sendable {
        /// `"12.5"` is accepted where a number is expected (`numbers_as_strings: true`).
        var numbersAsStrings = false
        /// `true`/`false` are stored as 1/0 (`booleans_as_numbers: true`).
        var booleansAsNumbers = false
        /// A record may carry only some of the route's metrics (SenML, line protocol: one value or a
        /// subset per record); only a record with none of them is a failure.
        var metricsMayBeAbsent = false
        /// The format gives each value its unit (SenML `u`), so a metric may declare none.
        var unitsFromRecords = false
    }

    let routeID: String
    let behaviour: Behaviour
    let utility: CompiledTemplate<Path>
    let site: CompiledTemplate<Path>
    let device: CompiledTemplate<Path>
    let timestamp: (path: Path, source: String, format: TimestampFormat, zone: TimestampZone?)?
    let metrics: [MetricNormalizer<Path>]
    let maxFutureSkewMillis: EpochMillis
    let maxAgeMillis: EpochMillis

    /// Validates the route's common keys with the format's path syntax, collecting every problem
    /// into `reader` (whose errors the adapter reports together with its own options' errors).
    static func make(
        route: RouteConfiguration, behaviour: Behaviour, reader: OptionReader,
        parsePath: (String) -> Result<Path, OptionProblem>
    ) -> RecordMapper? {
        func template(_ key: String, _ value: FieldTemplate) -> CompiledTemplate<Path>? {
            switch CompiledTemplate.compile(value, parsePath: parsePath) {
            case .success(let compiled): return compiled
            case .failure(let error): reader.failRoute(key, error.message); return nil
            }
        }
        let utility = template("utility", route.utility)
        if let constant = utility?.constant, Utility(rawValue: constant) == nil {
            reader.failRoute("utility", "'\(constant)' is not a utility; expected water, power or gas")
        }
        let site = template("site", route.site)
        let device = template("device", route.device)
        var timestamp: (Path, String, TimestampFormat, TimestampZone?)?
        if let mapping = route.timestamp {
            switch parsePath(mapping.path) {
            case .success(let path): timestamp = (path, mapping.path, mapping.format, mapping.timeZone)
            case .failure(let error): reader.failRoute("timestamp.path", error.message)
            }
        }
        var metrics: [MetricNormalizer<Path>] = []
        for (index, mapping) in route.metrics.enumerated() {
            let key = "metrics[\(index)]"
            var path: Path?
            switch parsePath(mapping.path) {
            case .success(let parsed): path = parsed
            case .failure(let error): reader.failRoute("\(key).path", error.message)
            }
            var source: MetricNormalizer<Path>.UnitSource?
            if let unit = mapping.unit {
                switch UnitResolution.resolve(unit, for: mapping) {
                case .success(let resolution): source = .declared(resolution)
                case .failure(let error): reader.failRoute("\(key).unit", error.message)
                }
            } else if let unitPath = mapping.unitPath {
                switch parsePath(unitPath) {
                case .success(let parsed): source = .payloadPath(parsed)
                case .failure(let error): reader.failRoute("\(key).unit_path", error.message)
                }
            } else if behaviour.unitsFromRecords {
                source = .record
            } else {
                reader.failRoute(key, "metric '\(mapping.name)' needs a unit (the unit the device sends) or a unit_path (where the payload says it)")
            }
            if let path, let source {
                metrics.append(MetricNormalizer(mapping: mapping, path: path, unitSource: source))
            }
        }
        if route.metrics.isEmpty { reader.failRoute("metrics", "a route needs at least one metric") }
        guard reader.errors.isEmpty, let utility, let site, let device else { return nil }
        return RecordMapper(
            routeID: route.id, behaviour: behaviour, utility: utility, site: site, device: device,
            timestamp: timestamp, metrics: metrics,
            maxFutureSkewMillis: EpochMillis(route.maxFutureSkewSeconds * 1000),
            maxAgeMillis: EpochMillis(route.maxAgeSeconds * 1000))
    }

    /// Maps one record to readings, appending them and any failures to `outcome`. `label` names
    /// the record in failure messages of multi-record payloads ("row 3", "element 2").
    func map(
        _ record: some PayloadRecord<Path>, message: InboundMessage, topicLevels: [Substring], label: String? = nil,
        into outcome: inout DecodeOutcome
    ) {
        func fail(_ reason: QuarantineReason, _ text: String) {
            outcome.failures.append(DecodeFailure(reason, label.map { "\($0): \(text)" } ?? text))
        }
        let lookup: (Path) -> String? = { record.value(at: $0)?.templateText }
        let identity: (Utility, String, String)
        switch (utility.resolve(field: "utility", topicLevels: topicLevels, lookup: lookup),
                site.resolve(field: "site", topicLevels: topicLevels, lookup: lookup),
                device.resolve(field: "device", topicLevels: topicLevels, lookup: lookup)) {
        case (.success(let u), .success(let s), .success(let d)):
            guard let parsed = Utility(rawValue: u) else {
                return fail(.invalidIdentity, "utility \"\(u.prefix(40))\" is not water, power or gas")
            }
            identity = (parsed, s, d)
        case (.failure(let f), _, _), (_, .failure(let f), _), (_, _, .failure(let f)):
            return fail(f.reason, f.message)
        }

        var eventTime = message.receivedAt
        var quality: QualityFlags = []
        if let timestamp {
            guard let raw = record.value(at: timestamp.path) else {
                return fail(.missingField, "timestamp field '\(timestamp.source)' is absent")
            }
            switch TimestampNormalizer.millis(raw, format: timestamp.format, zone: timestamp.zone, field: timestamp.source) {
            case .success(let millis): eventTime = millis
            case .failure(let failure): return fail(failure.reason, failure.message)
            }
        } else if let own = record.timestamp {
            eventTime = own
        } else {
            quality.insert(.timestampFromReceipt)
        }
        if eventTime - message.receivedAt > maxFutureSkewMillis {
            return fail(.futureTimestamp,
                "event time \(RFC3339.format(eventTime)) is \(Self.describe(eventTime - message.receivedAt)) ahead of the time of receipt; the route's max_future_skew is \(Self.describe(maxFutureSkewMillis))")
        }
        if message.receivedAt - eventTime > maxAgeMillis {
            return fail(.staleTimestamp,
                "event time \(RFC3339.format(eventTime)) is \(Self.describe(message.receivedAt - eventTime)) before the time of receipt; the route's max_age is \(Self.describe(maxAgeMillis))")
        }

        // Counted, not described: a SenML record or a line carries one or a few of the route's
        // metrics, and describing every absent one cost ~30% of a SenML decode. Described only
        // when a failure needs the text.
        var missingCount = 0
        var produced = 0
        for metric in metrics {
            guard let raw = record.value(at: metric.path) else {
                missingCount += 1
                continue
            }
            let number: Double
            switch raw {
            case .number(let value):
                number = value
            case .string(let text) where behaviour.numbersAsStrings:
                // Untrimmed first: most devices send no padding, and the trim allocates a new string.
                guard let value = Double(text) ?? Double(text.trimmingASCIISpaces()) else {
                    fail(.wrongType, "metric '\(metric.name)' at '\(metric.mapping.path)' is \"\(text.prefix(40))\"; expected a number")
                    continue
                }
                number = value
            case .bool(let flag) where behaviour.booleansAsNumbers:
                number = flag ? 1 : 0
            default:
                let hint = raw.kindName == "a string" ? " (set numbers_as_strings: true if the device sends numbers as text)" : ""
                fail(.wrongType, "metric '\(metric.name)' at '\(metric.mapping.path)' is \(raw.kindName); expected a number\(hint)")
                continue
            }
            let unit: UnitResolution
            switch resolveUnit(metric, record: record) {
            case .success(let resolution): unit = resolution
            case .failure(let failure):
                fail(failure.reason, failure.message)
                continue
            }
            switch metric.normalize(number, unit: unit) {
            case .success(let (value, flags)):
                produced += 1
                outcome.readings.append(Reading(
                    utility: identity.0, site: identity.1, device: identity.2, metric: metric.name,
                    value: value, unit: unit.canonicalUnit, timestamp: eventTime,
                    receivedAt: message.receivedAt, quality: quality.union(flags), topic: message.topic))
            case .failure(let failure):
                fail(failure.reason, failure.message)
            }
        }
        if behaviour.metricsMayBeAbsent {
            if produced == 0 && missingCount == metrics.count {
                fail(.missingField, "none of the route's metrics (\(metrics.map(\.mapping.path).joined(separator: ", "))) is in this record")
            }
        } else if missingCount > 0 {
            let missing = metrics.filter { record.value(at: $0.path) == nil }.map { "'\($0.name)' (path '\($0.mapping.path)')" }
            fail(.missingField, "metric \(missing.joined(separator: ", ")) absent")
        }
    }

    private func resolveUnit(_ metric: MetricNormalizer<Path>, record: some PayloadRecord<Path>) -> Result<UnitResolution, DecodeFailure> {
        let symbol: String
        switch metric.unitSource {
        case .declared(let resolution):
            return .success(resolution)
        case .payloadPath(let path):
            guard let text = record.value(at: path)?.templateText else {
                return .failure(DecodeFailure(.missingField, "the unit of metric '\(metric.name)' (unit_path) is absent"))
            }
            symbol = text
        case .record:
            guard let text = record.unit(at: metric.path) else {
                return .failure(DecodeFailure(.missingField,
                    "metric '\(metric.name)' has no unit in the record and none is declared on the route"))
            }
            symbol = text
        }
        return UnitResolution.resolve(symbol, for: metric.mapping)
            .mapError { DecodeFailure(.unknownUnit, "metric '\(metric.name)': \($0.message)") }
    }

    /// `3d 4h`, `5m 2s`, `800ms`: durations in messages, to the unit that matters.
    static func describe(_ millis: EpochMillis) -> String {
        let seconds = millis / 1000
        if seconds >= 86_400 { return "\(seconds / 86_400)d \(seconds % 86_400 / 3600)h" }
        if seconds >= 3600 { return "\(seconds / 3600)h \(seconds % 3600 / 60)m" }
        if seconds >= 60 { return "\(seconds / 60)m \(seconds % 60)s" }
        if seconds >= 1 { return "\(seconds)s" }
        return "\(millis)ms"
    }
}
