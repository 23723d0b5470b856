/// Reads a `json` payload into a `JSONValue` tree straight from its bytes, on the shared
/// `JSONTokenizer` (the tokenizer SenML's reader uses too).
///
/// Why not Foundation's `JSONSerialization`, DESIGN §1's choice for JSON: measured with
/// `bench/decode --only json` (one core, release, 104-byte object), the json format decoded
/// 138.3k msg/s with it against a target of 200k; a profile put JSONSerialization at 45 % of the
/// decode, half of that turning numbers into `NSNumber` through strings. With this reader (and
/// paths evaluated on its tree instead of bridged `NSNumber`s and dictionaries): 565.3k msg/s on
/// the same machine; senml, now on the shared tokenizer, 289.9k before and 294.6k after. Numbers
/// go through `DecimalText` without strings and are correctly rounded (Foundation's decimal path
/// for 17+ digits is off by an ulp or two at times); everything else matches Foundation's
/// observable behaviour, which `JSONReaderAgreementTests` checks:
/// - trailing commas before `]` or `}` accepted; a leading UTF-8 byte order mark skipped;
/// - any value at the top level (`.fragmentsAllowed`); duplicate keys: the last one wins;
/// - integers (no `.` or exponent) read as Foundation's integer `NSNumber`s would convert, so `-0`
///   is `0`; a number too large for a `Double` (`1e400`) is not valid JSON, as Foundation says —
///   unless a later duplicate key replaces it, since Foundation converts numbers after parsing;
/// - `\u` escapes must pair surrogates; raw control characters in strings are refused.
/// Payloads in UTF-16 or UTF-32 (which Foundation detects) are left to Foundation by the adapter.
struct JSONReader {
    private var tokens: JSONTokenizer
    private let maxDepth: Int
    /// Whether a number too large for a `Double` was read.
    private var sawInfinity = false

    private init(bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int) {
        tokens = JSONTokenizer(bytes: bytes)
        self.maxDepth = maxDepth
    }

    /// The document's value, or why it is not JSON. `bytes` must be valid UTF-8 (`UTF8Check`).
    static func read(_ bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int) throws(JSONTokenizer.Failure) -> JSONValue {
        var reader = JSONReader(bytes: bytes, maxDepth: maxDepth)
        return try reader.document()
    }

    private mutating func document() throws(JSONTokenizer.Failure) -> JSONValue {
        // RFC 8259 §8.1 lets a parser ignore a byte order mark; Foundation does.
        tokens.position = UTF8Check.byteOrderMarkLength(tokens.bytes)
        tokens.skipWhitespace()
        guard tokens.position < tokens.bytes.count else { throw .malformed("not valid JSON: the payload is empty") }
        let root = try value(depth: 0)
        tokens.skipWhitespace()
        guard tokens.position == tokens.bytes.count else { throw tokens.malformed("unexpected text after the JSON value") }
        if sawInfinity && !Self.allFinite(root) {
            throw .malformed("not valid JSON: a number is too large for a Double")
        }
        return root
    }

    /// Whether every number that counts is finite. Foundation converts numbers only after parsing,
    /// so one under a key repeated later in its object is dropped before it could be refused.
    private static func allFinite(_ value: JSONValue) -> Bool {
        switch value {
        case .number(let number):
            return number.isFinite
        case .array(let elements):
            return elements.allSatisfy(allFinite)
        case .object(let fields):
            return fields.indices.allSatisfy { index in
                fields[(index + 1)...].contains { $0.key == fields[index].key } || allFinite(fields[index].value)
            }
        case .string, .bool, .null:
            return true
        }
    }

    private mutating func value(depth: Int) throws(JSONTokenizer.Failure) -> JSONValue {
        switch tokens.peek {
        case UInt8(ascii: "{"):
            guard depth < maxDepth else { throw .tooDeep }
            tokens.position += 1
            var fields: [(key: String, value: JSONValue)] = []
            tokens.skipWhitespace()
            if tokens.peek == UInt8(ascii: "}") {
                tokens.position += 1
                return .object(fields)
            }
            while true {
                tokens.skipWhitespace()
                if tokens.peek == UInt8(ascii: "}") {
                    tokens.position += 1
                    break
                }
                let key = try tokens.text(of: try tokens.fieldName())
                fields.append((key, try value(depth: depth + 1)))
                guard try tokens.nextElement(close: UInt8(ascii: "}")) else { break }
            }
            return .object(fields)
        case UInt8(ascii: "["):
            guard depth < maxDepth else { throw .tooDeep }
            tokens.position += 1
            var elements: [JSONValue] = []
            tokens.skipWhitespace()
            if tokens.peek == UInt8(ascii: "]") {
                tokens.position += 1
                return .array(elements)
            }
            while true {
                tokens.skipWhitespace()
                if tokens.peek == UInt8(ascii: "]") {
                    tokens.position += 1
                    break
                }
                elements.append(try value(depth: depth + 1))
                guard try tokens.nextElement(close: UInt8(ascii: "]")) else { break }
            }
            return .array(elements)
        case UInt8(ascii: "\""):
            return .string(try tokens.text(of: try tokens.stringToken()))
        case UInt8(ascii: "t"):
            try tokens.literal("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try tokens.literal("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try tokens.literal("null")
            return .null
        case let byte where byte == UInt8(ascii: "-") || byte &- 48 < 10:
            let start = tokens.position
            let number = try tokens.numberValue()
            if !number.isFinite {
                // Refused only if it outlives duplicate keys (`document()`), as with Foundation.
                sawInfinity = true
                return .number(number)
            }
            if number == 0, number.sign == .minus, isInteger(start..<tokens.position) {
                // Foundation reads `-0` as the integer 0, which has no sign.
                return .number(0)
            }
            return .number(number)
        default:
            throw tokens.malformed("expected a JSON value")
        }
    }

    private func isInteger(_ range: Range<Int>) -> Bool {
        range.allSatisfy { tokens.bytes[$0] != UInt8(ascii: ".") && tokens.bytes[$0] | 0x20 != UInt8(ascii: "e") }
    }
}

/// A JSON document as the json format reads it: small objects keep their fields in order, looked up
/// linearly (faster than hashing for the handful of keys a payload has); the last of duplicate keys
/// wins, as with Foundation.
enum JSONValue: Sendable, Equatable {
    case object([(key: String, value: JSONValue)])
    case array([JSONValue])
    case string(String)
    case number(Double)
    case bool(Bool)
    case null

    /// The value of an object's field `key` (the last one when repeated), or `nil`.
    subscript(key: String) -> JSONValue? {
        guard case .object(let fields) = self else { return nil }
        for field in fields.reversed() where field.key == key { return field.value }
        return nil
    }

    static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.object(let a), .object(let b)):
            a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        case (.array(let a), .array(let b)): a == b
        case (.string(let a), .string(let b)): a == b
        case (.number(let a), .number(let b)): a == b
        case (.bool(let a), .bool(let b)): a == b
        case (.null, .null): true
        default: false
        }
    }
}
