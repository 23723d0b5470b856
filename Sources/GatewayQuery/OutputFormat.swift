/// How query results are printed: `table` for people, `json` and `csv` for tools (DESIGN §6).
public enum OutputFormat: String, Sendable, CaseIterable {
    case table
    case json
    case csv

    /// Renders records with the given columns (used for the header even when there are no rows).
    public func render(_ records: [Record], columns: [String]) -> String {
        switch self {
        case .table: TableRenderer.render(records, columns: columns)
        case .json: JSONRenderer.render(records)
        case .csv: CSVRenderer.render(records, columns: columns)
        }
    }
}
