/// How one message's rows are laid out: where the data rows begin, how many cells each must have,
/// and which cell holds each column the route reads. Decided once per message, from its header or
/// from the route's declared columns, so that each row only checks its width.
struct CSVLayout {
    /// The index in `CSVTable.rows` of the first data row (at most the number of rows).
    var firstDataRow: Int
    /// Every data row must have this many cells.
    var width: Int
    /// Where `width` comes from, for the malformed-row message.
    var widthSource: String
    var columns: CSVColumnMap
    /// The column names, when the message or the route has them, for missing-column messages.
    var names: [String]?

    static func make(
        table: CSVTable, payload: [UInt8], options: CSVOptions, references: [CSVColumnReference], declaredMap: CSVColumnMap?
    ) -> Result<CSVLayout, DecodeFailure> {
        guard options.header else {
            if let declared = options.columns, let declaredMap {
                return .success(CSVLayout(
                    firstDataRow: 0, width: declared.count, widthSource: "as csv.columns declares",
                    columns: declaredMap, names: declared))
            }
            let first = table.rows.first { $0.brokenCell == nil }
            let width = first?.cellCount ?? 0
            return .success(CSVLayout(
                firstDataRow: 0, width: width, widthSource: "as the first row, on line \(first?.line ?? 1)",
                columns: CSVColumnMap(references: references, width: width, names: nil), names: nil))
        }
        guard let header = table.rows.first else {
            if case .unterminatedQuote(let line, let cell) = table.stop {
                return .failure(DecodeFailure(.malformed,
                    "the header (line \(line)): the quote that opens column #\(cell) is never closed"))
            }
            return .failure(DecodeFailure(.noReadings, "the CSV is empty: it has no header row"))
        }
        if let broken = header.brokenCell {
            return .failure(DecodeFailure(.malformed,
                "the header (line \(header.line)): column #\(broken) has text after its closing quote; no row of the message was read"))
        }
        let firstDataRow = min(1 + options.skipAfterHeader, table.rows.count)
        if let declared = options.columns, let declaredMap {
            guard header.cellCount == declared.count else {
                return .failure(DecodeFailure(.malformed,
                    "the header (line \(header.line)) has \(header.cellCount) columns, but csv.columns declares \(declared.count); no row of the message was read"))
            }
            return .success(CSVLayout(
                firstDataRow: firstDataRow, width: declared.count, widthSource: "as csv.columns declares",
                columns: declaredMap, names: declared))
        }
        let names = payload.withUnsafeBufferPointer { bytes in
            table.cells[header.firstCell..<(header.firstCell + header.cellCount)].map { CSVTable.text(of: $0, in: bytes) }
        }
        return .success(CSVLayout(
            firstDataRow: firstDataRow, width: header.cellCount, widthSource: "as the header on line \(header.line)",
            columns: CSVColumnMap(references: references, width: header.cellCount, names: names), names: names))
    }

    /// "its columns are: a, b, c" or "its rows have 4 cells", for missing-column messages.
    var columnsDescription: String {
        guard let names else { return "its rows have \(width) cells (#0 to #\(max(width - 1, 0)))" }
        let shown = names.prefix(30).map { "'\($0)'" }.joined(separator: ", ")
        return "its columns are \(shown)\(names.count > 30 ? ", …" : "")"
    }
}
