import GatewayCore

/// Reads InfluxDB line protocol (`format: influx`), as Telegraf's MQTT output and many gateways
/// publish it: every line is one record, labelled "line N" in failures; a malformed line is
/// quarantined on its own and the other lines are stored.
///
/// Paths (see `InfluxPath`): a field name for metrics, `tags.NAME` and `measurement` for templates.
/// Event time is the line's timestamp in `influx.precision`, or the time of receipt when a line has
/// none. A line may carry any subset of the route's fields; a line with none of them is quarantined
/// (`missing_field`) — on a feed that mixes measurements, set `influx.measurement`.
///
/// Options (`influx:` on the route):
/// - `measurement` (none): only lines of this measurement are read. Other lines are skipped, because
///   the operator said they belong elsewhere; a message in which every line was skipped is
///   quarantined once (`no_readings`, naming the measurements it held), so a route whose topic
///   filter takes the wrong messages shows up without one record per line.
/// - `precision` (`ns`): the unit of timestamps: `ns`, `us`, `ms` or `s`.
/// - `max_lines` (10000): a message with more point lines is refused whole (`limit_exceeded`).
/// - `numbers_as_strings` (false): a string field such as `"12.5"` is read as a number.
/// - `booleans_as_numbers` (false): boolean fields are stored as 1/0.
struct InfluxAdapter: PayloadAdapter {
    static let optionKeys = ["measurement", "precision", "max_lines", "numbers_as_strings", "booleans_as_numbers"]

    let mapper: RecordMapper<InfluxPath>
    let measurement: [UInt8]?
    let precision: InfluxPrecision
    let maxLines: Int

    /// Validates a route's line protocol options once and builds its adapter, or lists every problem.
    static func make(route: RouteConfiguration) -> Result<any PayloadAdapter, RouteConfigurationErrors> {
        let reader = OptionReader(route: route, keys: optionKeys)
        var behaviour = RecordMapper<InfluxPath>.Behaviour()
        behaviour.metricsMayBeAbsent = true
        behaviour.numbersAsStrings = reader.bool("numbers_as_strings", default: false)
        behaviour.booleansAsNumbers = reader.bool("booleans_as_numbers", default: false)
        let maxLines = reader.int("max_lines", default: 10_000, range: 1...1_000_000)
        var precision = InfluxPrecision.nanoseconds
        if let text = reader.string("precision") {
            if let parsed = InfluxPrecision(rawValue: text) {
                precision = parsed
            } else {
                reader.fail("precision", "expected ns, us, ms or s; got '\(text)'")
            }
        }
        var measurement: [UInt8]?
        if let text = reader.string("measurement") {
            if text.isEmpty { reader.fail("measurement", "expected a measurement name; got an empty text") }
            measurement = Array(text.utf8)
        }
        for (index, metric) in route.metrics.enumerated() {
            if case .success(let path) = InfluxPath.parse(metric.path), !path.isField {
                reader.failRoute("metrics[\(index)].path",
                    "'\(metric.path)' is \(path == .measurement ? "the measurement name" : "a tag"), which is text; a metric reads a field, such as pressure or fields.pressure")
            }
        }
        let mapper = RecordMapper.make(route: route, behaviour: behaviour, reader: reader) { InfluxPath.parse($0) }
        guard let mapper, reader.errors.isEmpty else { return .failure(reader.failure ?? RouteConfigurationErrors([])) }
        return .success(InfluxAdapter(mapper: mapper, measurement: measurement, precision: precision, maxLines: maxLines))
    }

    func decode(_ message: InboundMessage) -> DecodeOutcome {
        message.payload.withUnsafeBufferPointer { bytes in
            guard UTF8Check.isValid(bytes) else {
                return .failure(.invalidEncoding, "the payload is not valid UTF-8, so it cannot be line protocol")
            }
            let batch: LineBatch
            switch LineProtocolParser.parse(bytes, maxLines: maxLines) {
            case .success(let parsed): batch = parsed
            case .failure:
                return .failure(.limitExceeded, "the message has more than influx.max_lines (\(maxLines)) lines")
            }
            if batch.entries.isEmpty {
                return .failure(.noReadings, "the message holds no line protocol point (only blank lines or comments)")
            }
            return batch.tags.withUnsafeBufferPointer { tags in
                batch.fields.withUnsafeBufferPointer { fields in
                    map(batch.entries, bytes: bytes, tags: tags, fields: fields, message: message)
                }
            }
        }
    }

    private func map(
        _ entries: [LineBatch.Entry], bytes: UnsafeBufferPointer<UInt8>, tags: UnsafeBufferPointer<LineTag>,
        fields: UnsafeBufferPointer<LineField>, message: InboundMessage
    ) -> DecodeOutcome {
        let levels = TopicFilter.levels(of: message.topic)
        var outcome = DecodeOutcome()
        // One allocation for a big message's readings instead of a dozen regrowths and copies
        // (capped: lines skipped or without the route's fields would leave it unused).
        outcome.readings.reserveCapacity(min(entries.count * mapper.metrics.count, 16_384))
        // Lines of other measurements: counted, and the first few kept to name them if the message
        // yields nothing else.
        var skipped = 0
        var skippedNames: [LineToken] = []
        for entry in entries {
            switch entry {
            case .problem(let problem):
                if let measurement, let name = problem.measurement, !name.equals(measurement, in: bytes) {
                    skipped += 1
                    if skippedNames.count < 32 { skippedNames.append(name) }
                    continue
                }
                outcome.failures.append(DecodeFailure(.malformed, "line \(problem.number): \(problem.message)"))
            case .line(let line):
                if let measurement, !line.measurement.equals(measurement, in: bytes) {
                    skipped += 1
                    if skippedNames.count < 32 { skippedNames.append(line.measurement) }
                    continue
                }
                var timestamp: EpochMillis?
                if let written = line.timestamp {
                    guard let millis = precision.millis(written) else {
                        outcome.failures.append(DecodeFailure(.invalidValue,
                            "line \(line.number): timestamp \(written) is outside 1970-01-01…9999-12-31 in influx.precision \(precision.rawValue)"))
                        continue
                    }
                    timestamp = millis
                }
                let record = InfluxRecord(bytes: bytes, line: line, tags: tags, fields: fields, timestamp: timestamp)
                mapper.map(record, message: message, topicLevels: levels, label: "line \(line.number)", into: &outcome)
            }
        }
        if outcome.readings.isEmpty, outcome.failures.isEmpty, let measurement, skipped > 0 {
            var names: [String] = []
            for token in skippedNames where names.count < 5 {
                let name = token.text(in: bytes)
                if !names.contains(name) { names.append(name) }
            }
            outcome.failures.append(DecodeFailure(.noReadings,
                "influx.measurement is '\(String(decoding: measurement, as: UTF8.self))', and none of the message's \(skipped) lines is of it (it holds \(names.joined(separator: ", ")))"))
        }
        return outcome
    }
}
