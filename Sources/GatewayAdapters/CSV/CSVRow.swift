/// One data row of a CSV payload: the record that `RecordMapper` turns into readings, so that
/// identity, event time, units and time checks work exactly as for every other format.
///
/// An empty cell (or one of `csv.null_values`) is absent: a sensor that leaves a cell empty has
/// no reading for it, which is not an error — the route's other metrics in the row are stored.
struct CSVRow: PayloadRecord {
    let payload: [UInt8]
    /// The cells of this row (indexed from the table's first cell of the row).
    let cells: ArraySlice<CSVCell>
    let columns: CSVColumnMap
    let reader: CSVCellReader

    func value(at path: CSVColumn) -> FieldValue? {
        guard let column = columns.cells[path.slot] else { return nil }
        let cell = cells[cells.startIndex + column]
        return payload.withUnsafeBufferPointer { reader.value(of: cell, in: $0, numeric: path.numeric) }
    }
}

/// Reads one cell as a value, with the route's decimal separator and null values.
struct CSVCellReader: Sendable {
    let decimalComma: Bool
    let nullValues: [[UInt8]]

    func value(of cell: CSVCell, in bytes: UnsafeBufferPointer<UInt8>, numeric: Bool) -> FieldValue? {
        let slice = UnsafeBufferPointer(rebasing: bytes[Int(cell.start)..<Int(cell.end)])
        if slice.isEmpty { return nil }
        if !nullValues.isEmpty, !cell.escapedQuotes, nullValues.contains(where: { $0.elementsEqual(slice) }) {
            return nil
        }
        guard numeric else { return .string(CSVTable.text(of: cell, in: bytes)) }
        if let number = CSVNumber.parse(slice, separator: decimalComma ? UInt8(ascii: ",") : UInt8(ascii: ".")) {
            return .number(number)
        }
        // Not a plain decimal: the same rules as text read as a number anywhere else (exponents,
        // `nan`), and the text itself when it is no number, for the wrong_type message.
        let text = CSVTable.text(of: cell, in: bytes)
        var candidate = Substring(text)
        while let first = candidate.first, first == " " || first == "\t" { candidate.removeFirst() }
        while let last = candidate.last, last == " " || last == "\t" { candidate.removeLast() }
        if decimalComma {
            // Swapped, so that `1.234,5` (a thousands separator) stays no number.
            let swapped = String(candidate.map { $0 == "," ? "." : $0 == "." ? "," : $0 })
            if let number = Double(swapped) { return .number(number) }
        } else if let number = Double(candidate) {
            return .number(number)
        }
        return .string(text)
    }
}

/// A fast and exact reader for the plain decimals that sensors write (`-12.25`, `412`, `0,5`).
///
/// `m / 10^k` with an integer `m` ≤ 2^53 and `k` ≤ 22 is correctly rounded, because both are
/// exact doubles and one IEEE division rounds correctly (Clinger's fast path), so the result is
/// the one `Double(String)` gives. Anything else returns `nil` and takes the general path.
enum CSVNumber {
    private static let powersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]
    /// Every integer up to 2^53 is an exact double.
    private static let mantissaLimit: UInt64 = 1 << 53

    static func parse(_ bytes: UnsafeBufferPointer<UInt8>, separator: UInt8) -> Double? {
        var index = 0
        var negative = false
        if let first = bytes.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") {
            negative = first == UInt8(ascii: "-")
            index = 1
        }
        var mantissa: UInt64 = 0
        var fractionDigits = 0
        var digits = 0
        var seenSeparator = false
        while index < bytes.count {
            let byte = bytes[index]
            if byte >= 0x30 && byte <= 0x39 {
                mantissa = mantissa * 10 + UInt64(byte - 0x30)
                guard mantissa <= mantissaLimit else { return nil }
                digits += 1
                if seenSeparator { fractionDigits += 1 }
            } else if byte == separator && !seenSeparator {
                seenSeparator = true
            } else {
                return nil
            }
            index += 1
        }
        guard digits > 0, fractionDigits < powersOfTen.count else { return nil }
        let value = Double(mantissa) / powersOfTen[fractionDigits]
        return negative ? -value : value
    }
}
