/// A column that a route reads — the path syntax of `format: csv`: a column name (`flow`), or
/// `#N` for the N-th column counted from 0 (`#2`), which works with or without a header.
///
/// Names with a header are known only per message, so a path is a slot in the route's list of
/// referenced columns, and each message maps slots to cells once (`CSVColumnMap`), not per row.
struct CSVColumn: Sendable, Hashable, CustomStringConvertible {
    let slot: Int
    /// The column is read only as a number (a metric value, an epoch timestamp), so a cell is
    /// parsed as one right away (in the route's decimal separator) instead of handed over as text:
    /// no text is built for most cells.
    let numeric: Bool
    let source: String

    var description: String { source }
}

/// How a route refers to a column.
enum CSVColumnReference: Sendable, Hashable {
    case name(String)
    case number(Int)
}

/// The columns a route refers to, collected while its paths are parsed at start-up, with the
/// rules that make a path a configuration error: a name when there are no names (no header and no
/// `csv.columns`), a name or number outside the declared columns.
final class CSVColumnCatalog {
    private(set) var references: [CSVColumnReference] = []
    private var slots: [CSVColumnReference: Int] = [:]
    private let declared: [String]?
    private let header: Bool
    private let numericSources: Set<String>

    /// - Parameter numericSources: paths read only as numbers (see `CSVColumnUses`).
    init(declared: [String]?, header: Bool, numericSources: Set<String>) {
        self.declared = declared
        self.header = header
        self.numericSources = numericSources
    }

    func parse(_ text: String) -> Result<CSVColumn, OptionProblem> {
        switch reference(text) {
        case .failure(let problem):
            return .failure(problem)
        case .success(let reference):
            let slot = slots[reference] ?? {
                references.append(reference)
                slots[reference] = references.count - 1
                return references.count - 1
            }()
            return .success(CSVColumn(slot: slot, numeric: numericSources.contains(text), source: text))
        }
    }

    /// The slot of a path parsed before, `nil` when it did not parse.
    func slot(of text: String) -> Int? {
        guard case .success(let reference) = reference(text) else { return nil }
        return slots[reference]
    }

    private func reference(_ text: String) -> Result<CSVColumnReference, OptionProblem> {
        guard !text.isEmpty else { return .failure(OptionProblem("the column is empty; expected a column name or #N")) }
        if text.hasPrefix("#") {
            let digits = text.utf8.dropFirst()
            guard !digits.isEmpty, digits.count <= 6, digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let number = Int(text.dropFirst()) else {
                return .failure(OptionProblem("'\(text)' is not a column number; expected # and a number from 0, like #2"))
            }
            if let declared, number >= declared.count {
                return .failure(OptionProblem("'\(text)' is beyond the \(declared.count) columns of csv.columns (#0 to #\(declared.count - 1))"))
            }
            return .success(.number(number))
        }
        if let declared {
            guard declared.contains(text) else {
                return .failure(OptionProblem("no column '\(text)' in csv.columns (\(declared.joined(separator: ", ")))"))
            }
        } else if !header {
            return .failure(OptionProblem(
                "'\(text)' is a column name, but csv.header is false and no csv.columns are declared; address columns by number (#0, #1, …) or declare csv.columns"))
        }
        return .success(.name(text))
    }
}

/// Which cell each referenced column is in, for one message (or for every message, when the names
/// come from `csv.columns`).
struct CSVColumnMap: Sendable {
    /// Cell index by slot; `nil` when the message has no such column.
    var cells: [Int?]

    /// Maps the route's references onto a message whose rows have `width` cells; `names` are the
    /// column names (the header's, or the declared ones), `nil` when there are none.
    init(references: [CSVColumnReference], width: Int, names: [String]?) {
        var firstIndex: [String: Int] = [:]
        for (index, name) in (names ?? []).enumerated() where firstIndex[name] == nil { firstIndex[name] = index }
        cells = references.map { reference in
            switch reference {
            case .number(let number): number < width ? number : nil
            case .name(let name): firstIndex[name]
            }
        }
    }
}
