/// A JSON array of objects whose keys keep the record's column order (Foundation's encoders would
/// sort or scramble them, and operators read this output too).
public enum JSONRenderer {
    /// - Parameter newline: end with a newline (a whole output), or not (a value inside a larger
    ///   document, such as the API's `{"items": […]}`).
    public static func render(_ records: [Record], newline: Bool = true) -> String {
        var out = "["
        for (index, record) in records.enumerated() {
            out += index == 0 ? "\n  {" : ",\n  {"
            for (position, field) in record.fields.enumerated() {
                if position > 0 { out += ", " }
                out += quote(field.key)
                out += ": "
                out += value(field.value)
            }
            out += "}"
        }
        out += records.isEmpty ? "]" : "\n]"
        if newline { out += "\n" }
        return out
    }

    static func value(_ cell: Cell) -> String {
        switch cell {
        case .int(let v): String(v)
        case .double(let v): v.isFinite ? Cell.format(v) : "null"
        case .text(let v): quote(v)
        case .null: "null"
        }
    }

    /// A JSON string literal (RFC 8259 §7).
    public static func quote(_ text: String) -> String {
        // Nearly every cell needs no escaping: append it whole (per-scalar appends were 13 % of
        // the API's CPU when listing readings; bench/api).
        if !text.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") || $0 == 0xE2 }) {
            return "\"" + text + "\""
        }
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case let s where s.value < 0x20 || s.value == 0x2028 || s.value == 0x2029:
                let hex = String(s.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
