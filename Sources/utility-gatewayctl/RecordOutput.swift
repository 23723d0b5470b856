import GatewayQuery

/// Output of ONE record (`alerts show`) and of documents made of several parts (`tickets show`),
/// in the same three formats as the listings.
enum RecordOutput {
    /// Table: one `FIELD VALUE` line per column (a 15-column row does not fit a terminal);
    /// JSON: one object; CSV: the header and one row, as a listing of one.
    static func single(_ record: Record, columns: [String], format: OutputFormat) -> String {
        switch format {
        case .table: vertical(record)
        case .json: object(record) + "\n"
        case .csv: format.render([record], columns: columns)
        }
    }

    /// Named parts, each a listing: a table per part under its title, one JSON object whose keys are
    /// the parts (`single` parts as objects, the others as arrays), or CSV blocks (each with its
    /// header) separated by an empty line.
    static func document(_ parts: [Part], format: OutputFormat) -> String {
        switch format {
        case .table:
            return parts.map { part in
                part.title + "\n" + (part.single ? vertical(part.records[0]) : TableRenderer.render(part.records, columns: part.columns))
            }.joined(separator: "\n")
        case .csv:
            return parts.map { CSVRenderer.render($0.records, columns: $0.columns) }.joined(separator: "\r\n")
        case .json:
            let members = parts.map { part -> String in
                let value =
                    part.single
                    ? object(part.records[0])
                    : part.records.isEmpty ? "[]" : "[\n" + part.records.map { "    " + object($0) }.joined(separator: ",\n") + "\n  ]"
                return "  " + JSONRenderer.quote(part.key) + ": " + value
            }
            return "{\n" + members.joined(separator: ",\n") + "\n}\n"
        }
    }

    /// One part of a document.
    struct Part {
        var key: String
        var title: String
        var columns: [String]
        var records: [Record]
        /// Exactly one record, shown as an object / a vertical table.
        var single = false
    }

    /// `{"key": value, …}` on one line, keys in column order.
    static func object(_ record: Record) -> String {
        let members = record.fields.map { field -> String in
            let value: String =
                switch field.value {
                case .int(let number): String(number)
                case .double(let number): number.isFinite ? field.value.text : "null"
                case .text(let text): JSONRenderer.quote(text)
                case .null: "null"
                }
            return JSONRenderer.quote(field.key) + ": " + value
        }
        return "{" + members.joined(separator: ", ") + "}"
    }

    private static func vertical(_ record: Record) -> String {
        let rows = record.fields.map { Record([("field", .text($0.key)), ("value", .text($0.value.text))]) }
        return TableRenderer.render(rows, columns: ["field", "value"])
    }
}
