/// A JSON array of objects whose keys keep the record's column order (Foundation's encoders would
/// sort or scramble them, and operators read this output too).
public enum JSONRenderer {
    public static func render(_ records: [Record]) -> String {
        var out = "["
        for (index, record) in records.enumerated() {
            out += index == 0 ? "\n  {" : ",\n  {"
            out += record.fields.map { "\(quote($0.key)): \(value($0.value))" }.joined(separator: ", ")
            out += "}"
        }
        out += records.isEmpty ? "]\n" : "\n]\n"
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
