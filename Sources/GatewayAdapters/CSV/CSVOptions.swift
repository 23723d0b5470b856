/// A route's `csv:` options, validated once when the route is built, so that a mistake is a
/// start-up error naming its key (`csv.delimiter`) rather than a quarantine on every message.
struct CSVOptions: Sendable {
    static let keys = [
        "header", "columns", "delimiter", "comment", "skip_rows", "skip_after_header", "max_rows", "trim",
        "decimal", "null_values",
    ]

    /// The first row that is read names the columns.
    var header = true
    /// Declared column names: required to use names when `header` is false; with a header they
    /// replace the header's names (the header is then only checked for its width).
    var columns: [String]?
    var dialect = CSVDialect()
    /// Rows skipped right after the header (a TOA5 file's units and processing rows).
    var skipAfterHeader = 0
    /// More data rows than this quarantine the whole message (`limit_exceeded`).
    var maxRows = 10_000
    /// Metric values are written with a decimal comma (`12,5`).
    var decimalComma = false
    /// Cell texts that mean "no value" (`NAN`, `-9999`), treated like an empty cell.
    var nullValues: [[UInt8]] = []

    /// Reads and checks every option, recording each problem in `reader`.
    static func read(_ reader: OptionReader) -> CSVOptions {
        var options = CSVOptions()
        options.header = reader.bool("header", default: true)
        options.dialect.trim = reader.bool("trim", default: true)
        options.maxRows = reader.int("max_rows", default: 10_000, range: 1...1_000_000)
        options.dialect.skipLines = reader.int("skip_rows", default: 0, range: 0...10_000)
        options.skipAfterHeader = reader.int("skip_after_header", default: 0, range: 0...100)
        if options.skipAfterHeader > 0 && !options.header {
            reader.fail("skip_after_header", "needs header: true; without a header, skip the lines with skip_rows")
        }
        if let text = reader.string("delimiter"), let byte = delimiter(text, reader) {
            options.dialect.delimiter = byte
        }
        if let text = reader.string("comment") {
            options.dialect.comment = comment(text, delimiter: options.dialect.delimiter, reader)
        }
        if let text = reader.string("decimal") {
            switch text {
            case ".": break
            case ",":
                options.decimalComma = true
                if options.dialect.delimiter == UInt8(ascii: ",") {
                    reader.fail("decimal", "a decimal comma needs another delimiter; set csv.delimiter, usually to ';'")
                }
            default: reader.fail("decimal", "expected '.' or ','; got '\(text)'")
            }
        }
        if let values = reader.stringList("null_values") {
            options.nullValues = values.filter { !$0.isEmpty }.map { Array($0.utf8) }
        }
        if let names = reader.stringList("columns") {
            options.columns = columns(names, reader)
        }
        return options
    }

    /// One ASCII character, or `\t` (as two characters or a real tab) for tab.
    private static func delimiter(_ text: String, _ reader: OptionReader) -> UInt8? {
        if text == "\\t" || text == "\t" { return 0x09 }
        let shown = "'" + text.unicodeScalars.map { $0.escaped(asASCII: false) }.joined() + "'"
        guard text.unicodeScalars.count == 1, let scalar = text.unicodeScalars.first else {
            reader.fail("delimiter", "must be a single character (or \\t for tab); got \(shown)")
            return nil
        }
        guard scalar.isASCII else {
            reader.fail("delimiter", "must be an ASCII character such as , ; | or \\t; got \(shown)")
            return nil
        }
        let byte = UInt8(scalar.value)
        guard byte != CSVTokenizer.quote, byte != CSVTokenizer.cr, byte != CSVTokenizer.lf else {
            reader.fail("delimiter", "cannot be a quote or a line break; got \(shown)")
            return nil
        }
        return byte
    }

    private static func comment(_ text: String, delimiter: UInt8, _ reader: OptionReader) -> [UInt8] {
        let bytes = Array(text.utf8)
        guard let first = bytes.first, bytes.count <= 16 else {
            reader.fail("comment", "expected the 1 to 16 characters that begin a comment line, such as '#'; got '\(text)'")
            return []
        }
        guard !bytes.contains(CSVTokenizer.cr), !bytes.contains(CSVTokenizer.lf) else {
            reader.fail("comment", "cannot contain a line break")
            return []
        }
        guard first != CSVTokenizer.quote, first != delimiter else {
            reader.fail("comment", "cannot begin with a quote or the delimiter, which begin ordinary rows; got '\(text)'")
            return []
        }
        return bytes
    }

    private static func columns(_ names: [String], _ reader: OptionReader) -> [String]? {
        guard !names.isEmpty else {
            reader.fail("columns", "expected at least one column name")
            return nil
        }
        var seen: Set<String> = []
        var valid = true
        for (index, name) in names.enumerated() {
            if name.isEmpty {
                reader.fail("columns[\(index)]", "a column name cannot be empty")
                valid = false
            } else if name.hasPrefix("#") {
                reader.fail("columns[\(index)]", "'\(name)': names cannot begin with '#', which marks column numbers (#0, #1, …)")
                valid = false
            } else if !seen.insert(name).inserted {
                reader.fail("columns[\(index)]", "'\(name)' is declared twice")
                valid = false
            }
        }
        return valid ? names : nil
    }
}
