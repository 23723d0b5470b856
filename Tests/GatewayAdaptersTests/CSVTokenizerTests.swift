import GatewayCore
import Testing
@testable import GatewayAdapters

/// The tokenizer on RFC 4180's edge cases, the line numbers that name rows in failures, its
/// leniencies, its bounds, and a seeded round-trip property: any table written with RFC 4180
/// quoting reads back cell for cell.
@Suite struct CSVTokenizerTests {
    /// The rows of `text` as cell texts, with each row's line and, if it broke, its broken column.
    struct Read: Equatable, CustomStringConvertible {
        var rows: [[String]]
        var lines: [Int]
        var broken: [Int?]
        var stop: CSVStop?
        var description: String { "rows \(rows) lines \(lines) broken \(broken) stop \(String(describing: stop))" }
    }

    static func read(_ text: String, _ dialect: CSVDialect = CSVDialect(), rowLimit: Int = 1000) -> Read {
        read(Array(text.utf8), dialect, rowLimit: rowLimit)
    }

    static func read(_ bytes: [UInt8], _ dialect: CSVDialect = CSVDialect(), rowLimit: Int = 1000) -> Read {
        let table = CSVTokenizer.tokenize(bytes, dialect: dialect, rowLimit: rowLimit)
        let rows = bytes.withUnsafeBufferPointer { buffer in
            table.rows.map { row in
                table.cells[row.firstCell..<(row.firstCell + row.cellCount)].map { CSVTable.text(of: $0, in: buffer) }
            }
        }
        return Read(rows: rows, lines: table.rows.map(\.line), broken: table.rows.map(\.brokenCell), stop: table.stop)
    }

    static func dialect(_ change: (inout CSVDialect) -> Void) -> CSVDialect {
        var dialect = CSVDialect()
        change(&dialect)
        return dialect
    }

    // MARK: rows and line ends

    @Test(arguments: ["a,b\n1,2\n", "a,b\n1,2", "a,b\r\n1,2\r\n", "a,b\r\n1,2", "a,b\r1,2\r"])
    func lineEndsWithOrWithoutAFinalOne(_ text: String) {
        let read = Self.read(text)
        #expect(read.rows == [["a", "b"], ["1", "2"]])
        #expect(read.lines == [1, 2])
        #expect(read.stop == nil)
    }

    @Test func emptyCellsAndATrailingDelimiterAreCells() {
        #expect(Self.read("a,,c\n,\n,x,\n").rows == [["a", "", "c"], ["", ""], ["", "x", ""]])
        #expect(Self.read(",").rows == [["", ""]])
    }

    @Test func emptyAndBlankLinesAreNoRowsButCountAsLines() {
        let read = Self.read("a,b\n\n   \n\t\r\n1,2\n\n")
        #expect(read.rows == [["a", "b"], ["1", "2"]])
        #expect(read.lines == [1, 5])
        #expect(Self.read("").rows.isEmpty)
        #expect(Self.read("\n\r\n  ").rows.isEmpty)
    }

    @Test func aByteOrderMarkIsSkipped() {
        let read = Self.read([0xEF, 0xBB, 0xBF] + Array("time,id\r\n1,2".utf8))
        #expect(read.rows == [["time", "id"], ["1", "2"]])
    }

    // MARK: quoting

    @Test func quotedCellsHoldDelimitersEscapedQuotesAndLineBreaks() {
        let read = Self.read("\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\"\"\nnext,row\n")
        #expect(read.rows == [["a,b", "say \"hi\"", "two\nlines", ""], ["next", "row"]])
        #expect(read.lines == [1, 3], "a row is labelled by the line it starts on")
    }

    @Test func lineBreaksInsideQuotesAreKeptAsWrittenAndCounted() {
        let read = Self.read("\"x\r\ny\",1\r\n\"p\rq\",2\r\nlast,3")
        #expect(read.rows == [["x\r\ny", "1"], ["p\rq", "2"], ["last", "3"]])
        #expect(read.lines == [1, 3, 5])
    }

    @Test func aQuoteInsideAnUnquotedCellIsText() {
        #expect(Self.read("12\" pipe,a\"b\"\n").rows == [["12\" pipe", "a\"b\""]])
    }

    @Test func textAfterAClosingQuoteBreaksThatRowOnly() {
        let read = Self.read("a,\"b\"x,c\n1,2,3\n")
        #expect(read.broken == [1, nil])
        #expect(read.rows[1] == ["1", "2", "3"])
        #expect(read.lines == [1, 2])
    }

    @Test func spacesAroundQuotesAreNotPartOfTheCell() {
        #expect(Self.read("  \"a\"  , \"b\" \n").rows == [["a", "b"]])
        #expect(Self.read("\"a\" \n", Self.dialect { $0.trim = false }).rows == [["a"]])
    }

    @Test func anUnterminatedQuoteKeepsTheRowsBeforeIt() {
        let read = Self.read("h1,h2\n1,2\n3,\"open\n4,5\n6,7\n")
        #expect(read.rows == [["h1", "h2"], ["1", "2"]])
        #expect(read.stop == .unterminatedQuote(line: 3, cell: 1))
    }

    @Test func anUnterminatedQuoteInTheFirstCell() {
        let read = Self.read("\"")
        #expect(read.rows.isEmpty)
        #expect(read.stop == .unterminatedQuote(line: 1, cell: 0))
    }

    // MARK: dialect

    @Test func trimRemovesSpacesAndTabsAroundUnquotedCells() {
        #expect(Self.read(" a ,\tb\t, c d \n").rows == [["a", "b", "c d"]])
        #expect(Self.read(" a , b\n", Self.dialect { $0.trim = false }).rows == [[" a ", " b"]])
        #expect(Self.read(" \"a\",b\n", Self.dialect { $0.trim = false }).rows == [[" \"a\"", "b"]],
                "without trim a space before a quote makes the cell unquoted (RFC 4180)")
    }

    @Test func aTabDelimiterIsNeverTrimmedAway() {
        let tab = Self.dialect { $0.delimiter = 0x09 }
        #expect(Self.read("a\t\tc\n \tx \n", tab).rows == [["a", "", "c"], ["", "x"]])
        #expect(Self.read("\t\n", tab).rows == [["", ""]], "a line of tabs is a row of empty cells")
    }

    @Test func otherDelimiters() {
        #expect(Self.read("1,5;2,5;\"a;b\"\n", Self.dialect { $0.delimiter = UInt8(ascii: ";") }).rows == [["1,5", "2,5", "a;b"]])
        #expect(Self.read("a|b\n", Self.dialect { $0.delimiter = UInt8(ascii: "|") }).rows == [["a", "b"]])
    }

    @Test func commentLinesAreSkippedOnlyAtTheStartOfALine() {
        let read = Self.read("# logger v2\nh,x\n#note, with, commas\n1,\"#2\n# not a comment\"\n", Self.dialect { $0.comment = Array("#".utf8) })
        #expect(read.rows == [["h", "x"], ["1", "#2\n# not a comment"]])
        #expect(read.lines == [2, 4])
        let prefixed = Self.read("// a\nv\n", Self.dialect { $0.comment = Array("//".utf8) })
        #expect(prefixed.rows == [["v"]])
    }

    @Test func skippedLinesIgnoreQuotes() {
        let read = Self.read("\"TOA5\",\"unclosed\n\"second\nh\n1\n", Self.dialect { $0.skipLines = 2 })
        #expect(read.rows == [["h"], ["1"]])
        #expect(read.lines == [3, 4])
    }

    @Test func multiByteTextPassesThrough() {
        #expect(Self.read("\"Temp, °C\",Zähler,µS/cm\n").rows == [["Temp, °C", "Zähler", "µS/cm"]])
    }

    // MARK: bounds

    @Test func stopsOneRowPastTheLimit() {
        let text = String(repeating: "1,2\n", count: 100_000)
        let read = Self.read(text, rowLimit: 10)
        #expect(read.rows.count == 10)
        #expect(read.stop == .rowLimit(line: 11))
        #expect(Self.read("1\n2\n", rowLimit: 2).stop == nil, "exactly the limit is fine")
    }

    /// Arbitrary bytes (biased towards the ones that matter) never trap, and what comes out is
    /// consistent: cells inside the payload, rows in order, labels within the payload's lines.
    @Test(arguments: [21, 22, 23] as [UInt64])
    func arbitraryBytesGiveConsistentTables(seed: UInt64) {
        var random = SeededGenerator(seed: seed)
        let interesting: [UInt8] = Array(",;\"\r\n \t#a1".utf8) + [0xEF, 0xBB, 0xBF, 0xC3, 0xA9, 0x00]
        for _ in 0..<2000 {
            let bytes = (0..<random.below(64)).map { _ in
                random.below(4) == 0 ? UInt8(truncatingIfNeeded: random.next()) : interesting[random.below(interesting.count)]
            }
            let dialect = Self.dialect {
                $0.delimiter = [UInt8(ascii: ","), UInt8(ascii: ";"), 0x09][random.below(3)]
                $0.comment = random.below(2) == 0 ? [] : Array("#".utf8)
                $0.skipLines = random.below(3)
                $0.trim = random.below(2) == 0
            }
            let limit = 1 + random.below(8)
            let table = CSVTokenizer.tokenize(bytes, dialect: dialect, rowLimit: limit)
            let lineCount = 1 + bytes.indices.filter { bytes[$0] == 0x0A || (bytes[$0] == 0x0D && ($0 + 1 == bytes.count || bytes[$0 + 1] != 0x0A)) }.count
            #expect(table.rows.count <= limit)
            #expect(table.cells.allSatisfy { 0 <= $0.start && $0.start <= $0.end && Int($0.end) <= bytes.count })
            #expect(table.rows.map(\.line) == table.rows.map(\.line).sorted())
            #expect(table.rows.allSatisfy { 1 <= $0.line && $0.line <= lineCount && $0.cellCount >= 1 })
            #expect(zip(table.rows, table.rows.dropFirst()).allSatisfy { $0.firstCell + $0.cellCount == $1.firstCell })
            #expect(table.rows.last.map { $0.firstCell + $0.cellCount } ?? 0 == table.cells.count)
        }
    }

    // MARK: round trip

    /// Random tables written with RFC 4180 quoting (only where a cell needs it, sometimes
    /// everywhere) and random line ends read back unchanged.
    @Test(arguments: [1, 2, 3, 4, 5, 6, 7, 8] as [UInt64])
    func randomTablesRoundTrip(seed: UInt64) {
        var random = SeededGenerator(seed: seed)
        let alphabet: [String] = ["a", "7", ".", " ", ",", "\"", "\n", "\r\n", "é", "#", ";", "\t"]
        for _ in 0..<200 {
            let width = 1 + random.below(5)
            let table: [[String]] = (0..<(1 + random.below(6))).map { _ in
                (0..<width).map { _ in (0..<random.below(6)).map { _ in alphabet[random.below(alphabet.count)] }.joined() }
            }
            let quoteAll = random.below(4) == 0
            let lineEnd = random.below(2) == 0 ? "\n" : "\r\n"
            let text = table.map { row in
                row.map { cell in
                    let needsQuotes = quoteAll || cell.isEmpty || cell.contains { ",\"\n\r \t#".contains($0) } || cell.contains("\r\n")
                    return needsQuotes ? "\"" + cell.replacing("\"", with: "\"\"") + "\"" : cell
                }.joined(separator: ",")
            }.joined(separator: lineEnd) + (random.below(2) == 0 ? lineEnd : "")
            let read = Self.read(text, Self.dialect { $0.trim = false })
            #expect(read.rows == table, "seed \(seed): \(text.debugDescription)")
            #expect(read.broken.allSatisfy { $0 == nil } && read.stop == nil)
        }
    }
}

/// The number reader behind metric cells: the fast path must agree with `Double(String)` exactly,
/// and anything it does not take must fall through to the general rules.
@Suite struct CSVNumberTests {
    static func parse(_ text: String, separator: Character = ".") -> Double? {
        Array(text.utf8).withUnsafeBufferPointer { CSVNumber.parse($0, separator: UInt8(ascii: separator.unicodeScalars.first!)) }
    }

    @Test(arguments: ["0", "-0", "412", "412.5", "-12.25", "+3", "12.", ".5", "0.1", "9007199254740991", "123456.789012"])
    func plainDecimalsMatchDoubleExactly(_ text: String) throws {
        let expected = try #require(Double(text))
        let parsed = try #require(Self.parse(text))
        #expect(parsed.bitPattern == expected.bitPattern, "\(text): \(parsed) vs \(expected)")
    }

    @Test(arguments: ["", "-", ".", "+.", "1.2.3", "1e3", "0x10", "nan", "inf", " 1", "1 ", "1,5", "12345678901234567890", "1.00000000000000000000001"])
    func everythingElseTakesTheGeneralPath(_ text: String) {
        #expect(Self.parse(text) == nil)
    }

    @Test func aDecimalComma() {
        #expect(Self.parse("231,4", separator: ",") == 231.4)
        #expect(Self.parse("1.5", separator: ",") == nil)
    }

    @Test(arguments: [11, 12, 13] as [UInt64])
    func randomDecimalsMatchDoubleExactly(seed: UInt64) {
        var random = SeededGenerator(seed: seed)
        for _ in 0..<20_000 {
            let digits = (0..<(1 + random.below(17))).map { _ in String(random.below(10)) }.joined()
            let point = random.below(digits.count + 1)
            let text = (random.below(2) == 0 ? "-" : "") + digits.prefix(point) + "." + digits.dropFirst(point)
            guard let parsed = Self.parse(text) else { continue }
            #expect(Double(text).map(\.bitPattern) == parsed.bitPattern, "\(text)")
        }
    }

    @Test func cellsReadAsNumbersNullsAndText() {
        let reader = CSVCellReader(decimalComma: false, nullValues: [Array("NAN".utf8), Array("-9999".utf8)])
        func value(_ text: String, numeric: Bool = true) -> FieldValue? {
            let bytes = Array(text.utf8)
            let cell = CSVCell(start: 0, end: Int32(bytes.count), quoted: false, escapedQuotes: false)
            return bytes.withUnsafeBufferPointer { reader.value(of: cell, in: $0, numeric: numeric) }
        }
        #expect(value("12.5") == .number(12.5))
        #expect(value("1e3") == .number(1000))
        #expect(value(" 7 ") == .number(7), "untrimmed cells (trim: false) still read as numbers")
        #expect(value("") == nil)
        #expect(value("NAN") == nil)
        #expect(value("-9999") == nil)
        #expect(value("ERR") == .string("ERR"))
        #expect(value("0042", numeric: false) == .string("0042"), "identity columns keep their text")
        let comma = CSVCellReader(decimalComma: true, nullValues: [])
        let bytes = Array("1.234,5".utf8)
        let cell = CSVCell(start: 0, end: Int32(bytes.count), quoted: false, escapedQuotes: false)
        #expect(bytes.withUnsafeBufferPointer { comma.value(of: cell, in: $0, numeric: true) } == .string("1.234,5"))
    }
}
