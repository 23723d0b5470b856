/// A problem with a line, before it knows its line number and measurement.
struct LineSyntaxError: Error {
    let message: String
    init(_ message: String) { self.message = message }
}

/// The parse of one line: a position moving through `bytes[position..<end]`.
struct LineCursor {
    let bytes: UnsafeBufferPointer<UInt8>
    var position: Int
    let end: Int
    let number: Int

    private static let space = UInt8(ascii: " ")
    private static let comma = UInt8(ascii: ",")
    private static let equals = UInt8(ascii: "=")
    private static let backslash = UInt8(ascii: "\\")
    private static let quote = UInt8(ascii: "\"")

    /// Skips leading blanks; `false` for a blank or comment line.
    var isPointLine: Bool {
        mutating get {
            while position < end, bytes[position] == Self.space || bytes[position] == UInt8(ascii: "\t") {
                position += 1
            }
            return position < end && bytes[position] != UInt8(ascii: "#")
        }
    }

    /// Parses the line, appending its tags and fields to `batch` (and removing them again when the
    /// line turns out broken, so that the lists hold only the tags and fields of parsed lines).
    mutating func parse(into batch: inout LineBatch) -> Result<ParsedLine, LineProblem> {
        let tagStart = batch.tags.count
        let fieldStart = batch.fields.count
        var measurement: LineToken?
        do throws(LineSyntaxError) {
            let name = scanName(stoppingAtEquals: false)
            guard !name.isEmpty else { throw LineSyntaxError("the line starts without a measurement name") }
            measurement = name
            while position < end, bytes[position] == Self.comma {
                position += 1
                batch.tags.append(try tag())
            }
            try skipSpaces(before: "the field set (field=value after the measurement and tags)")
            while true {
                batch.fields.append(try field())
                guard position < end, bytes[position] == Self.comma else { break }
                position += 1
            }
            var timestamp: Int64?
            if position < end {
                guard bytes[position] == Self.space else {
                    throw LineSyntaxError("unexpected '\(character(at: position))' after the last field; expected ',' or a space")
                }
                while position < end, bytes[position] == Self.space { position += 1 }
                if position < end { timestamp = try self.timestamp() }
            }
            return .success(ParsedLine(
                number: number, measurement: name, tags: tagStart..<batch.tags.count,
                fields: fieldStart..<batch.fields.count, timestamp: timestamp))
        } catch {
            batch.tags.removeSubrange(tagStart...)
            batch.fields.removeSubrange(fieldStart...)
            return .failure(LineProblem(number: number, measurement: measurement, message: error.message))
        }
    }

    /// A measurement, tag key, tag value or field key: up to an unescaped space or comma (or `=`
    /// when `stoppingAtEquals`).
    private mutating func scanName(stoppingAtEquals: Bool) -> LineToken {
        let start = position
        var escaped = false
        while position < end {
            let byte = bytes[position]
            if byte == Self.backslash {
                escaped = true
                position = min(position + 2, end)
                continue
            }
            if byte == Self.space || byte == Self.comma || (stoppingAtEquals && byte == Self.equals) { break }
            position += 1
        }
        return LineToken(start: start, end: position, escaped: escaped)
    }

    private mutating func tag() throws(LineSyntaxError) -> LineTag {
        let key = scanName(stoppingAtEquals: true)
        guard !key.isEmpty else { throw LineSyntaxError("a tag has an empty key (a ',' with nothing after it?)") }
        guard position < end, bytes[position] == Self.equals else {
            throw LineSyntaxError("tag '\(key.text(in: bytes))' has no '=value'")
        }
        position += 1
        let value = scanName(stoppingAtEquals: false)
        guard !value.isEmpty else { throw LineSyntaxError("tag '\(key.text(in: bytes))' has an empty value") }
        return LineTag(key: key, value: value)
    }

    private mutating func skipSpaces(before what: String) throws(LineSyntaxError) {
        guard position < end, bytes[position] == Self.space else {
            if position < end {
                throw LineSyntaxError("unexpected '\(character(at: position))' in the measurement or tags; expected a space before \(what)")
            }
            throw LineSyntaxError("the line has no fields; expected a space and \(what)")
        }
        while position < end, bytes[position] == Self.space { position += 1 }
        guard position < end else { throw LineSyntaxError("the line has no fields; expected \(what)") }
    }

    private mutating func field() throws(LineSyntaxError) -> LineField {
        let key = scanName(stoppingAtEquals: true)
        guard !key.isEmpty else { throw LineSyntaxError("a field has an empty name") }
        guard position < end, bytes[position] == Self.equals else {
            throw LineSyntaxError("field '\(key.text(in: bytes))' has no '=value'")
        }
        position += 1
        guard position < end, bytes[position] != Self.space, bytes[position] != Self.comma else {
            throw LineSyntaxError("field '\(key.text(in: bytes))' has no value")
        }
        if bytes[position] == Self.quote { return try stringField(key) }
        let start = position
        while position < end, bytes[position] != Self.comma, bytes[position] != Self.space { position += 1 }
        guard let (kind, number) = Self.classify(bytes, start, position) else {
            let written = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<min(position, start + 40)]), as: UTF8.self)
            throw LineSyntaxError(
                "field '\(key.text(in: bytes))' = '\(written)' is not a float, an integer (12i), an unsigned integer (12u), a boolean or a quoted string")
        }
        return LineField(key: key, kind: kind, number: number, text: LineToken(start: start, end: position, escaped: false))
    }

    private mutating func stringField(_ key: LineToken) throws(LineSyntaxError) -> LineField {
        position += 1
        let start = position
        var escaped = false
        while position < end {
            let byte = bytes[position]
            if byte == Self.backslash, position + 1 < end {
                escaped = true
                position += 2
                continue
            }
            if byte == Self.quote { break }
            position += 1
        }
        guard position < end else {
            throw LineSyntaxError("the string value of field '\(key.text(in: bytes))' has no closing '\"'")
        }
        let text = LineToken(start: start, end: position, escaped: escaped)
        position += 1
        return LineField(key: key, kind: .string, number: 0, text: text)
    }

    /// An unquoted field value: integer, unsigned, boolean or float.
    static func classify(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> (LineField.Kind, Double)? {
        let last = bytes[end - 1]
        if last == UInt8(ascii: "i") {
            return DecimalText.int64(bytes, start, end - 1).map { (.integer, Double($0)) }
        }
        if last == UInt8(ascii: "u") {
            return DecimalText.uint64(bytes, start, end - 1).map { (.unsigned, Double($0)) }
        }
        if let flag = boolean(bytes, start, end) { return (.boolean, flag ? 1 : 0) }
        return DecimalText.double(bytes, start, end, grammar: .lineProtocol).map { (.float, $0) }
    }

    /// `t T true True TRUE` or `f F false False FALSE`, compared byte by byte (no allocation).
    private static func boolean(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool? {
        let first = bytes[start]
        let value: Bool
        switch first | 0x20 {
        case UInt8(ascii: "t"): value = true
        case UInt8(ascii: "f"): value = false
        default: return nil
        }
        let length = end - start
        if length == 1 { return value }
        let rest: StaticString = value ? "rue" : "alse"
        guard length == rest.utf8CodeUnitCount + 1 else { return nil }
        // The rest is all lower case after `t`/`f`/`T`/`F`, or all upper case after `T`/`F`.
        let upper = bytes[start + 1] < UInt8(ascii: "a")
        guard !upper || first < UInt8(ascii: "a") else { return nil }
        for offset in 0..<rest.utf8CodeUnitCount {
            let expected = rest.utf8Start[offset] & (upper ? 0xDF : 0xFF)
            guard bytes[start + 1 + offset] == expected else { return nil }
        }
        return value
    }

    private mutating func timestamp() throws(LineSyntaxError) -> Int64 {
        let start = position
        while position < end, bytes[position] != Self.space { position += 1 }
        let tokenEnd = position
        while position < end, bytes[position] == Self.space { position += 1 }
        guard let value = DecimalText.int64(bytes, start, tokenEnd) else {
            let written = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<min(tokenEnd, start + 40)]), as: UTF8.self)
            throw LineSyntaxError("the timestamp '\(written)' is not a whole number that fits in 64 bits")
        }
        guard position == end else {
            throw LineSyntaxError("unexpected text after the timestamp; expected the end of the line")
        }
        return value
    }

    private func character(at index: Int) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[index..<index + 1]), as: UTF8.self)
    }
}
