/// Reads a SenML JSON pack (RFC 8428 §5: an array of flat objects) straight from the payload's bytes
/// into `SenMLRawRecord`s, validating the whole text as JSON (RFC 8259) on the way — accepting, like
/// Foundation's parser, a trailing comma before `]` or `}`. Its tokens (strings, numbers, literals,
/// skipped values) come from `JSONTokenizer`, shared with the `json` format's `JSONReader`.
///
/// Why not `JSONSerialization`: it costs ~4 µs for a small object before
/// any bridging, and the SenML target is 150k messages/s on one core (~6.7 µs for everything). A
/// pack is a known, flat shape: one pass over the bytes recognises the labels, converts numbers
/// without building strings (`DecimalText`) and skips extension fields. The payload's UTF-8 is
/// checked once beforehand (`UTF8Check`), so strings are made from byte ranges directly.
///
/// Bounded work: at most `maxRecords` elements are read (`tooManyRecords` as soon as one more
/// appears), and extension values nested deeper than `maxNesting` are refused, so neither time nor
/// stack depends on anything but the (size-limited) payload.
struct SenMLJSONReader {
    /// Why a payload is not a pack this reader can give records for.
    enum Failure: Error, Sendable, Equatable {
        /// Not JSON, with where and why.
        case malformed(String)
        /// Valid JSON start, but not an array: what it is ("an object").
        case notAnArray(String)
        case tooManyRecords
        case tooDeep
    }

    /// Nesting allowed inside an extension field's value.
    static let maxNesting = 32

    /// The shared JSON tokenizer (`JSONTokenizer`), which holds the bytes and the position.
    var tokens: JSONTokenizer
    var bytes: UnsafeBufferPointer<UInt8> { tokens.bytes }

    private init(bytes: UnsafeBufferPointer<UInt8>) { tokens = JSONTokenizer(bytes: bytes) }

    /// The pack's records in order, or why there are none.
    static func read(_ bytes: UnsafeBufferPointer<UInt8>, maxRecords: Int) throws(Failure) -> [SenMLRawRecord] {
        var reader = SenMLJSONReader(bytes: bytes)
        return try reader.pack(maxRecords: maxRecords)
    }

    private mutating func pack(maxRecords: Int) throws(Failure) -> [SenMLRawRecord] {
        // RFC 8259 §8.1 lets a parser ignore a byte order mark.
        position = UTF8Check.byteOrderMarkLength(bytes)
        skipWhitespace()
        guard position < bytes.count else { throw .malformed("the payload is empty") }
        guard peek == UInt8(ascii: "[") else {
            if let kind = Self.kindName(peek) { throw .notAnArray(kind) }
            throw malformed("expected a JSON array")
        }
        position += 1
        var records: [SenMLRawRecord] = []
        // A record takes at least ~16 bytes of JSON: reserving by size saves the array's regrowth.
        records.reserveCapacity(min(maxRecords, bytes.count / 16 + 1))
        skipWhitespace()
        if peek == UInt8(ascii: "]") {
            position += 1
        } else {
            while true {
                skipWhitespace()
                if peek == UInt8(ascii: "]") && !records.isEmpty {
                    // A trailing comma, which Foundation's parser (and so the json format) accepts too.
                    position += 1
                    break
                }
                guard records.count < maxRecords else { throw .tooManyRecords }
                if peek == UInt8(ascii: "{") {
                    records.append(try record())
                } else {
                    guard let kind = Self.kindName(peek) else { throw malformed("expected a record (a JSON object)") }
                    try skipValue(depth: 1)
                    var element = SenMLRawRecord()
                    element.notAnObject = kind
                    records.append(element)
                }
                skipWhitespace()
                if peek == UInt8(ascii: ",") {
                    position += 1
                    continue
                }
                guard peek == UInt8(ascii: "]") else { throw malformed("expected ',' or ']' after a record") }
                position += 1
                break
            }
        }
        skipWhitespace()
        guard position == bytes.count else { throw malformed("unexpected text after the pack's closing ']'") }
        return records
    }

    private mutating func record() throws(Failure) -> SenMLRawRecord {
        position += 1
        var record = SenMLRawRecord()
        skipWhitespace()
        if peek == UInt8(ascii: "}") {
            position += 1
            return record
        }
        while true {
            skipWhitespace()
            if peek == UInt8(ascii: "}") {
                position += 1
                return record
            }
            guard peek == UInt8(ascii: "\"") else { throw malformed("expected a field name in double quotes") }
            let key = try stringToken()
            skipWhitespace()
            guard peek == UInt8(ascii: ":") else { throw malformed("expected ':' after a field name") }
            position += 1
            skipWhitespace()
            let label: SenMLLabel
            if key.escaped {
                label = Array(try text(of: key).utf8).withUnsafeBufferPointer { SenMLLabel($0) }
            } else {
                label = SenMLLabel(UnsafeBufferPointer(rebasing: bytes[key.start..<key.end]))
            }
            try field(label, key: key, into: &record)
            skipWhitespace()
            if peek == UInt8(ascii: ",") {
                position += 1
                continue
            }
            guard peek == UInt8(ascii: "}") else { throw malformed("expected ',' or '}' in a record") }
            position += 1
            return record
        }
    }

    private mutating func field(_ label: SenMLLabel, key: StringToken, into record: inout SenMLRawRecord) throws(Failure) {
        switch label {
        case .baseName: record.baseName = try string(label, &record)
        case .baseUnit: record.baseUnit = try string(label, &record)
        case .name: record.name = try string(label, &record)
        case .unit: record.unit = try string(label, &record)
        case .stringValue: record.stringValue = try string(label, &record)
        case .dataValue: record.dataValue = try string(label, &record)
        case .baseTime: record.baseTime = try number(label, &record)
        case .baseValue: record.baseValue = try number(label, &record)
        case .baseSum: record.baseSum = try number(label, &record)
        case .baseVersion: record.baseVersion = try number(label, &record)
        case .value: record.value = try number(label, &record)
        case .sum: record.sum = try number(label, &record)
        case .time: record.time = try number(label, &record)
        case .updateTime: _ = try number(label, &record)
        case .boolValue:
            switch peek {
            case UInt8(ascii: "t"): try literal("true"); record.boolValue = true
            case UInt8(ascii: "f"): try literal("false"); record.boolValue = false
            default: try wrongType(label, expected: "a boolean", &record)
            }
        case .other(let mustUnderstand):
            if mustUnderstand && record.mustUnderstand == nil { record.mustUnderstand = try text(of: key) }
            try skipValue(depth: 1)
        }
    }

    /// A string field's value; `nil` for JSON `null` (treated as absent) or a value of another type.
    private mutating func string(_ label: SenMLLabel, _ record: inout SenMLRawRecord) throws(Failure) -> String? {
        if peek == UInt8(ascii: "\"") { return try text(of: try stringToken()) }
        try wrongType(label, expected: "a string", &record)
        return nil
    }

    /// A number field's value; `nil` for JSON `null` (treated as absent) or a value of another type.
    private mutating func number(_ label: SenMLLabel, _ record: inout SenMLRawRecord) throws(Failure) -> Double? {
        if peek == UInt8(ascii: "-") || peek &- 48 < 10 { return try numberValue() }
        try wrongType(label, expected: "a number", &record)
        return nil
    }

    /// Consumes a value that is not of the label's type, noting the first such problem of the record.
    private mutating func wrongType(_ label: SenMLLabel, expected: String, _ record: inout SenMLRawRecord) throws(Failure) {
        if peek == UInt8(ascii: "n") {
            try literal("null")
            return
        }
        guard let kind = Self.kindName(peek) else { throw malformed("expected a JSON value") }
        try skipValue(depth: 1)
        if record.typeProblem == nil {
            record.typeProblem = SenMLTypeProblem(label: label.text, got: kind, expected: expected, isBaseField: label.isBaseField)
        }
    }
}
