/// RFC 4180 CSV with spreadsheet formula injection defused.
///
/// A cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return is prefixed with `'` so
/// that a spreadsheet shows it as text instead of evaluating it — a device id such as
/// `=HYPERLINK(...)` arrives from the field, not from us. Plain numbers are left alone so that
/// `-3.5` stays a number (DESIGN §6).
public enum CSVRenderer {
    public static func render(_ records: [Record], columns: [String]) -> String {
        var out = columns.map(escape).joined(separator: ",") + "\r\n"
        for record in records {
            out += record.fields.map { cell($0.value) }.joined(separator: ",") + "\r\n"
        }
        return out
    }

    static func cell(_ value: Cell) -> String {
        switch value {
        case .int, .double: value.text
        case .text(let text): escape(text)
        case .null: ""
        }
    }

    /// Quotes and defuses one text cell.
    public static func escape(_ text: String) -> String {
        var text = text
        if let first = text.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first), Double(text) == nil {
            text = "'" + text
        }
        if text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return text
    }
}
