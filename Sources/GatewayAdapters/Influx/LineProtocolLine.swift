/// A name or text inside a line: a byte range of the payload, plus whether it holds backslash
/// escapes. Kept as a range so that parsing allocates nothing per token; only the few tokens that a
/// route actually reads (a tag for the device, a string field) ever become `String`s.
struct LineToken: Sendable, Hashable {
    var start: Int
    var end: Int
    /// Whether the range holds a backslash that `text(in:)` and `equals(_:in:)` must interpret.
    var escaped: Bool

    var isEmpty: Bool { start == end }

    /// The unescaped text. In names (measurement, tag keys and values, field keys) a backslash
    /// before `,` `=` space or another backslash stands for that character; in string field values
    /// a backslash before `"` or another backslash does. Any other backslash is kept as written,
    /// as InfluxDB does.
    func text(in bytes: UnsafeBufferPointer<UInt8>, quoted: Bool = false) -> String {
        let range = UnsafeBufferPointer(rebasing: bytes[start..<end])
        guard escaped else { return String(decoding: range, as: UTF8.self) }
        var unescaped: [UInt8] = []
        unescaped.reserveCapacity(end - start)
        var i = start
        while i < end {
            if bytes[i] == UInt8(ascii: "\\"), i + 1 < end, Self.isEscapable(bytes[i + 1], quoted: quoted) {
                i += 1
            }
            unescaped.append(bytes[i])
            i += 1
        }
        return String(decoding: unescaped, as: UTF8.self)
    }

    /// Whether the unescaped text equals `name` (already unescaped), without building a `String`.
    func equals(_ name: [UInt8], in bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        if !escaped {
            guard end - start == name.count else { return false }
            var i = start
            for byte in name {
                if bytes[i] != byte { return false }
                i += 1
            }
            return true
        }
        var i = start
        var j = 0
        while i < end {
            if bytes[i] == UInt8(ascii: "\\"), i + 1 < end, Self.isEscapable(bytes[i + 1], quoted: false) { i += 1 }
            guard j < name.count, bytes[i] == name[j] else { return false }
            i += 1
            j += 1
        }
        return j == name.count
    }

    static func isEscapable(_ byte: UInt8, quoted: Bool) -> Bool {
        if quoted { return byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") }
        return byte == UInt8(ascii: ",") || byte == UInt8(ascii: "=") || byte == UInt8(ascii: " ")
            || byte == UInt8(ascii: "\\")
    }
}

/// One `key=value` of a line's field set, its value already checked and, for numbers and
/// booleans, already converted.
struct LineField: Sendable {
    /// The field types of line protocol.
    enum Kind: UInt8, Sendable {
        /// `1.5`, `-2`, `1e3`: a 64-bit float.
        case float
        /// `12i`.
        case integer
        /// `12u`.
        case unsigned
        /// `"text"`.
        case string
        /// `t`, `true`, `F`, `FALSE`, …
        case boolean
    }

    var key: LineToken
    var kind: Kind
    /// The number (1 or 0 for a boolean); unused for a string.
    var number: Double
    /// For a string, its content between the quotes; otherwise the value as written.
    var text: LineToken
}

/// One `key=value` of a line's tag set.
struct LineTag: Sendable {
    var key: LineToken
    var value: LineToken
}

/// A line that parsed: its parts as ranges of the payload and of the batch's tag and field lists.
struct ParsedLine: Sendable {
    /// The physical line number in the payload, from 1, counting blank and comment lines, so that an
    /// operator finds "line 7" where an editor shows it.
    var number: Int
    var measurement: LineToken
    var tags: Range<Int>
    var fields: Range<Int>
    /// As written, in the route's precision.
    var timestamp: Int64?
}

/// A line that did not parse, with what was wrong. `measurement` is set when the line got that far,
/// so that a route's measurement filter can still leave other measurements' broken lines alone.
struct LineProblem: Error, Sendable {
    var number: Int
    var measurement: LineToken?
    var message: String
}

/// Every line of one message in payload order, with their tags and fields in two shared lists —
/// a few growing arrays per message instead of arrays per line.
struct LineBatch: Sendable {
    /// A line that parsed or one that did not, kept in payload order so that failures come out in
    /// the order of the lines.
    enum Entry: Sendable {
        case line(ParsedLine)
        case problem(LineProblem)
    }

    var entries: [Entry] = []
    var tags: [LineTag] = []
    var fields: [LineField] = []
}
