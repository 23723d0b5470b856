import GatewayCore

/// Reads SenML packs in JSON (`format: senml`, RFC 8428): an array of records whose base fields
/// (`bn`, `bt`, `bu`, `bv`, `bver`) apply to the records after them. Each resolved record carries one
/// value and is mapped on its own, labelled "record N (name)" in failures.
///
/// Which records become readings: a record whose name matches a metric's path (its `n`, its full
/// name `bn + n`, or the part of the full name after the last `:`). Its unit is the record's `u` (or
/// `bu`), converted like any unit; an unknown one quarantines that record (`unknown_unit`). A metric
/// may declare `unit:` for devices that send none; when a record does send one that differs, the
/// record is quarantined (`invalid_value`) rather than converted with a unit that one side has wrong.
///
/// Records no metric maps are skipped: a pack routinely holds values the route does not want
/// (battery, RSSI), and one quarantine record per pack for them would drown the real failures. A
/// pack in which no record matched at all is quarantined once (`missing_field`, naming the records'
/// names), so a renamed sensor or a wrong route shows up; `senml.report_unmapped: true` also reports
/// the skipped records of packs that did produce readings, for commissioning a new device type.
///
/// Options (`senml:` on the route):
/// - `max_records` (1000): a pack with more records is refused whole (`limit_exceeded`).
/// - `report_unmapped` (false): see above.
/// - `numbers_as_strings` (false): a `vs` such as `"12.5"` is read as a number.
/// - `booleans_as_numbers` (false): a `vb` is stored as 1/0.
struct SenMLAdapter: PayloadAdapter {
    /// One metric of the route with the bit of its path.
    struct MetricSlot: Sendable {
        var name: String
        var path: String
        var slot: Int
        var declaredUnit: String?
    }

    let mapper: RecordMapper<SenMLPath>
    /// The distinct metric paths, indexed by slot.
    let paths: [String]
    let metrics: [MetricSlot]
    let maxRecords: Int
    let reportUnmapped: Bool

    func decode(_ message: InboundMessage) -> DecodeOutcome {
        let read: Result<[SenMLRawRecord], DecodeFailure> = message.payload.withUnsafeBufferPointer { bytes in
            guard UTF8Check.isValid(bytes) else {
                return .failure(DecodeFailure(.invalidEncoding, "the payload is not valid UTF-8, so it cannot be SenML JSON"))
            }
            return Result { () throws(SenMLJSONReader.Failure) in try SenMLJSONReader.read(bytes, maxRecords: maxRecords) }
                .mapError { Self.describe($0, maxRecords: maxRecords) }
        }
        let raws: [SenMLRawRecord]
        switch read {
        case .success(let records): raws = records
        case .failure(let failure): return DecodeOutcome(failures: [failure])
        }
        if raws.isEmpty { return .failure(.noReadings, "the SenML pack is an empty array") }
        if let problem = SenMLResolver.packProblem(raws) { return DecodeOutcome(failures: [problem]) }

        let levels = TopicFilter.levels(of: message.topic)
        var resolver = SenMLResolver(receivedAt: message.receivedAt)
        var outcome = DecodeOutcome()
        outcome.readings.reserveCapacity(min(raws.count, 16_384))
        var unmapped: [SenMLResolvedRecord] = []
        var matchedAny = false
        for (index, raw) in raws.enumerated() {
            let record: SenMLResolvedRecord
            switch resolver.resolve(raw, index: index) {
            case .baseOnly: continue
            case .failure(let failure):
                outcome.failures.append(failure)
                continue
            case .record(let resolved): record = resolved
            }
            let matches = record.matchMask(paths)
            guard matches != 0 else {
                unmapped.append(record)
                continue
            }
            matchedAny = true
            if let failure = check(record, matches: matches) {
                outcome.failures.append(failure)
                continue
            }
            map(record, matches: matches, message: message, levels: levels, into: &outcome)
        }
        if !unmapped.isEmpty && (!matchedAny || reportUnmapped) {
            outcome.failures.append(DecodeFailure(.missingField, unmappedMessage(unmapped, matchedAny: matchedAny)))
        }
        return outcome
    }

    /// Maps one matched record through the shared mapper.
    private func map(
        _ record: SenMLResolvedRecord, matches: UInt64, message: InboundMessage, levels: [Substring],
        into outcome: inout DecodeOutcome
    ) {
        let readingsBefore = outcome.readings.count
        let failuresBefore = outcome.failures.count
        // Labelled afterwards, as the mapper would, so that records that map cleanly (nearly all)
        // do not pay for formatting a label they never show.
        mapper.map(SenMLRecord(resolved: record, matches: matches), message: message, topicLevels: levels, into: &outcome)
        if outcome.failures.count > failuresBefore {
            let label = record.label
            for index in failuresBefore..<outcome.failures.count {
                outcome.failures[index].message = "\(label): " + outcome.failures[index].message
            }
        }
        if record.isRelative && record.timestamp != nil {
            // Counted from the time of receipt: like a payload without time, it cannot be
            // deduplicated across a redelivery.
            for index in readingsBefore..<outcome.readings.count { outcome.readings[index].quality.insert(.timestampFromReceipt) }
        }
    }

    /// What keeps a matched record from being mapped: no value, or a unit that contradicts the
    /// unit a metric declares.
    private func check(_ record: SenMLResolvedRecord, matches: UInt64) -> DecodeFailure? {
        guard record.value != nil else {
            return DecodeFailure(.missingField,
                "\(record.label) has no value (v, vs, vb or vd)\(record.hasSum ? "; a sum (s) alone is not read, its unit being the value's unit times seconds" : "")")
        }
        guard let unit = record.unit else { return nil }
        for metric in metrics where matches & (1 << UInt64(metric.slot)) != 0 {
            guard let declared = metric.declaredUnit, declared != unit else { continue }
            if let sent = UnitCatalog.conversion(from: unit), sent == UnitCatalog.conversion(from: declared) { continue }
            return DecodeFailure(.invalidValue,
                "\(record.label) says its unit is '\(unit)', but the route declares '\(declared)' for metric '\(metric.name)'; remove the declared unit to use the record's")
        }
        return nil
    }

    private func unmappedMessage(_ records: [SenMLResolvedRecord], matchedAny: Bool) -> String {
        var shown: [String] = []
        for record in records where shown.count < 5 {
            let name = record.fullName.isEmpty ? "(no name)" : record.fullName
            if !shown.contains(name) { shown.append(name) }
        }
        let list = shown.joined(separator: ", ") + (records.count > shown.count ? ", …" : "")
        if matchedAny {
            return "\(records.count == 1 ? "1 record matches" : "\(records.count) records match") no metric path (\(list))"
        }
        return "none of the pack's records matches a metric path (records: \(list); metric paths: \(paths.joined(separator: ", ")))"
    }

    private static func describe(_ failure: SenMLJSONReader.Failure, maxRecords: Int) -> DecodeFailure {
        switch failure {
        case .malformed(let text): DecodeFailure(.malformed, text)
        case .notAnArray(let kind): DecodeFailure(.wrongType, "expected a SenML pack (a JSON array of records); got \(kind)")
        case .tooManyRecords: DecodeFailure(.limitExceeded, "the pack has more than senml.max_records (\(maxRecords)) records")
        case .tooDeep:
            DecodeFailure(.limitExceeded, "a field's value nests deeper than \(SenMLJSONReader.maxNesting) levels")
        }
    }
}
