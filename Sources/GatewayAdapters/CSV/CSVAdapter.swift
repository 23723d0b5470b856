import GatewayCore

/// Reads CSV payloads (`format: csv`): a data logger's export or a SCADA table, many rows per
/// message, each data row one record with its own device and timestamp columns. A bad row is
/// quarantined alone (`malformed` with its line, or the metric's own reason) and the others are
/// stored, because a logger's batch should not be lost to one garbled line.
///
/// Options (`csv:` on the route, see `CSVOptions` and the README's csv section): `header`, `columns`,
/// `delimiter`, `comment`, `skip_rows`, `skip_after_header`, `max_rows`, `trim`, `decimal`,
/// `null_values`. Paths are column names or `#N` (see `CSVColumn`).
struct CSVAdapter: PayloadAdapter {
    let mapper: RecordMapper<CSVColumn>
    let options: CSVOptions
    let references: [CSVColumnReference]
    /// Where the route's columns are when that does not depend on a header (`csv.columns`).
    let declaredMap: CSVColumnMap?
    let uses: CSVColumnUses
    let reader: CSVCellReader

    /// Validates a route's CSV options and paths once and builds its adapter, or lists every problem.
    static func make(route: RouteConfiguration) -> Result<any PayloadAdapter, RouteConfigurationErrors> {
        let reader = OptionReader(route: route, keys: CSVOptions.keys)
        let options = CSVOptions.read(reader)
        let uses = CSVColumnUses(route: route)
        let catalog = CSVColumnCatalog(declared: options.columns, header: options.header, numericSources: uses.numericSources)
        var behaviour = RecordMapper<CSVColumn>.Behaviour()
        // Cells are text; a row may leave a metric's cell empty (no reading, not an error).
        behaviour.numbersAsStrings = true
        behaviour.metricsMayBeAbsent = true
        let mapper = RecordMapper.make(route: route, behaviour: behaviour, reader: reader) { catalog.parse($0) }
        guard let mapper, reader.errors.isEmpty else { return .failure(reader.failure ?? RouteConfigurationErrors([])) }
        let references = catalog.references
        let declaredMap = options.columns.map { CSVColumnMap(references: references, width: $0.count, names: $0) }
        return .success(CSVAdapter(
            mapper: mapper, options: options, references: references, declaredMap: declaredMap,
            uses: uses.resolved(with: catalog),
            reader: CSVCellReader(decimalComma: options.decimalComma, nullValues: options.nullValues)))
    }

    func decode(_ message: InboundMessage) -> DecodeOutcome {
        guard message.payload.count < Int(Int32.max) else {
            return .failure(.limitExceeded, "the payload is \(message.payload.count) bytes; CSV payloads are read up to 2 GiB")
        }
        guard String(validating: message.payload, as: UTF8.self) != nil else {
            return .failure(.invalidEncoding, "the payload is not valid UTF-8 text")
        }
        let headerRows = options.header ? 1 + options.skipAfterHeader : 0
        let table = CSVTokenizer.tokenize(message.payload, dialect: options.dialect, rowLimit: options.maxRows + headerRows)
        if case .rowLimit(let line) = table.stop {
            return .failure(.limitExceeded,
                "the message has more than \(options.maxRows) data rows (csv.max_rows; row \(line) is one too many); none of it was stored")
        }
        let layout: CSVLayout
        switch CSVLayout.make(table: table, payload: message.payload, options: options, references: references, declaredMap: declaredMap) {
        case .success(let found): layout = found
        case .failure(let failure): return DecodeOutcome(failures: [failure])
        }
        var outcome = DecodeOutcome()
        switch uses.check(layout) {
        case .failure(let failure): return DecodeOutcome(failures: [failure])
        case .success(let failures): outcome.failures = failures
        }
        let levels = TopicFilter.levels(of: message.topic)
        for row in table.rows[layout.firstDataRow...] {
            let label = "row \(row.line)"
            if let broken = row.brokenCell {
                outcome.failures.append(DecodeFailure(.malformed,
                    "\(label): column #\(broken) has text after its closing quote; expected a delimiter or the end of the line"))
                continue
            }
            guard row.cellCount == layout.width else {
                outcome.failures.append(DecodeFailure(.malformed,
                    "\(label): \(row.cellCount) cells; expected \(layout.width) (\(layout.widthSource))"))
                continue
            }
            let record = CSVRow(
                payload: message.payload, cells: table.cells[row.firstCell..<(row.firstCell + row.cellCount)],
                columns: layout.columns, reader: reader)
            mapper.map(record, message: message, topicLevels: levels, label: label, into: &outcome)
        }
        if case .unterminatedQuote(let line, let cell) = table.stop {
            outcome.failures.append(DecodeFailure(.malformed,
                "row \(line): the quote that opens column #\(cell) is never closed, so this row and the rest of the message (from line \(line)) were not read"))
        } else if layout.firstDataRow >= table.rows.count && outcome.failures.isEmpty {
            return .failure(.noReadings, options.header ? "the CSV has a header but no data rows" : "the CSV has no rows")
        }
        return outcome
    }
}
