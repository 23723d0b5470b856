/// Aligned columns for people: numbers right-aligned, text left-aligned, control characters shown
/// as `?` so that a hostile device id cannot move the terminal's cursor.
public enum TableRenderer {
    public static func render(_ records: [Record], columns: [String]) -> String {
        let rows = records.map { $0.fields.map { (sanitize($0.value.text), $0.value.isNumber) } }
        var widths = columns.map(\.count)
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], cell.0.count)
            }
        }
        func line(_ cells: [(String, Bool)]) -> String {
            cells.enumerated().map { index, cell in
                let pad = String(repeating: " ", count: max(0, widths[index] - cell.0.count))
                return cell.1 ? pad + cell.0 : cell.0 + pad
            }.joined(separator: "  ").trimmingTrailingSpaces()
        }
        var out = line(columns.map { ($0.uppercased(), false) }) + "\n"
        for row in rows { out += line(row) + "\n" }
        if rows.isEmpty { out += "(no rows)\n" }
        return out
    }

    static func sanitize(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map {
            $0.properties.generalCategory == .control ? "?" : $0
        }))
    }
}

extension Cell {
    var isNumber: Bool {
        switch self {
        case .int, .double: true
        case .text, .null: false
        }
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var copy = self
        while copy.last == " " { copy.removeLast() }
        return copy
    }
}
