/// The one byte-level JSON (RFC 8259) tokenizer of the codebase: strings with their escapes and
/// `\u` surrogate pairs, numbers (through `DecimalText`, without building strings), literals, white
/// space, and whole values skipped to a depth limit. It knows JSON and nothing of what a payload
/// means: `JSONReader` builds the json format's value tree on it, `SenMLJSONReader` reads packs.
///
/// Callers check the payload's UTF-8 once beforehand (`UTF8Check`), so strings are made from byte
/// ranges directly. Like Foundation's parser it accepts a trailing comma before `]` or `}`.
struct JSONTokenizer {
    /// Why the text is not JSON the caller can read.
    enum Failure: Error, Sendable, Equatable {
        /// Not JSON, with where and why ("not valid JSON at byte 12: …").
        case malformed(String)
        /// Nested deeper than the caller's limit.
        case tooDeep
    }

    /// A string's content: its byte range between the quotes and whether it holds escapes.
    struct StringToken {
        var start: Int
        var end: Int
        var escaped: Bool
    }

    let bytes: UnsafeBufferPointer<UInt8>
    var position = 0

    init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    var peek: UInt8 { position < bytes.count ? bytes[position] : 0 }

    /// Scans a string from its opening quote to just past its closing quote, checking escapes and
    /// that it holds no raw control characters.
    mutating func stringToken() throws(Failure) -> StringToken {
        position += 1
        let start = position
        var escaped = false
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                let token = StringToken(start: start, end: position, escaped: escaped)
                position += 1
                return token
            }
            if byte < 0x20 { throw malformed("a string holds a raw control character; JSON needs it escaped") }
            if byte == UInt8(ascii: "\\") {
                escaped = true
                position += 1
                switch peek {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                     UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    position += 1
                case UInt8(ascii: "u"):
                    guard position + 4 < bytes.count, (1...4).allSatisfy({ Self.hexValue(bytes[position + $0]) != nil }) else {
                        throw malformed("'\\u' must be followed by four hexadecimal digits")
                    }
                    position += 5
                default:
                    throw malformed("invalid escape in a string")
                }
                continue
            }
            position += 1
        }
        throw malformed("a string is not closed")
    }

    /// The text of a scanned string, escapes resolved.
    func text(of token: StringToken) throws(Failure) -> String {
        let raw = UnsafeBufferPointer(rebasing: bytes[token.start..<token.end])
        guard token.escaped else { return String(decoding: raw, as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var i = token.start
        while i < token.end {
            let byte = bytes[i]
            guard byte == UInt8(ascii: "\\") else {
                out.append(byte)
                i += 1
                continue
            }
            let escape = bytes[i + 1]
            i += 2
            switch escape {
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var code = hex4(at: i)
                i += 4
                if (0xD800...0xDBFF).contains(code) {
                    let paired = i + 6 <= token.end && bytes[i] == UInt8(ascii: "\\") && bytes[i + 1] == UInt8(ascii: "u")
                    let low = paired ? hex4(at: i + 2) : 0
                    guard (0xDC00...0xDFFF).contains(low) else {
                        throw malformed("a '\\u' escape is an unpaired UTF-16 surrogate")
                    }
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    i += 6
                }
                guard let scalar = Unicode.Scalar(code) else {
                    throw malformed("a '\\u' escape is an unpaired UTF-16 surrogate")
                }
                UTF8.encode(scalar) { out.append($0) }
            default: out.append(escape)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    func hex4(at index: Int) -> UInt32 {
        (0..<4).reduce(0) { $0 << 4 | UInt32(Self.hexValue(bytes[index + $1]) ?? 0) }
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// A number's correctly rounded value; infinite when it is too large for a `Double` (callers
    /// decide what that means).
    mutating func numberValue() throws(Failure) -> Double {
        let start = position
        while position < bytes.count {
            let byte = bytes[position]
            guard byte &- 48 < 10 || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+") || byte == UInt8(ascii: ".")
                || byte | 0x20 == UInt8(ascii: "e") else { break }
            position += 1
        }
        guard let value = DecimalText.double(bytes, start, position, grammar: .json) else {
            position = start
            throw malformed("invalid number")
        }
        return value
    }

    mutating func literal(_ word: StaticString) throws(Failure) {
        let count = word.utf8CodeUnitCount
        guard position + count <= bytes.count,
              (0..<count).allSatisfy({ bytes[position + $0] == word.utf8Start[$0] }) else {
            throw malformed("expected \(word)")
        }
        position += count
    }

    /// Skips any JSON value, checking its syntax; a value nested deeper than `maxDepth` (counting
    /// the value's own level as `depth`) is `tooDeep`.
    mutating func skipValue(depth: Int, maxDepth: Int) throws(Failure) {
        guard depth <= maxDepth else { throw .tooDeep }
        switch peek {
        case UInt8(ascii: "\""): _ = try stringToken()
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            let object = peek == UInt8(ascii: "{")
            let close = object ? UInt8(ascii: "}") : UInt8(ascii: "]")
            position += 1
            skipWhitespace()
            if peek == close {
                position += 1
                return
            }
            while true {
                skipWhitespace()
                if peek == close {
                    position += 1
                    return
                }
                if object { try fieldName() }
                try skipValue(depth: depth + 1, maxDepth: maxDepth)
                guard try nextElement(close: close) else { return }
            }
        default:
            guard peek == UInt8(ascii: "-") || peek &- 48 < 10 else { throw malformed("expected a JSON value") }
            _ = try numberValue()
        }
    }

    /// Scans an object's field name and the `:` after it, leaving the position at its value.
    @discardableResult
    mutating func fieldName() throws(Failure) -> StringToken {
        guard peek == UInt8(ascii: "\"") else { throw malformed("expected a field name in double quotes") }
        let name = try stringToken()
        skipWhitespace()
        guard peek == UInt8(ascii: ":") else { throw malformed("expected ':' after a field name") }
        position += 1
        skipWhitespace()
        return name
    }

    /// After an element of an array or object: `true` past a `,` (another element, or a trailing
    /// comma, may follow), `false` past the closing bracket.
    mutating func nextElement(close: UInt8) throws(Failure) -> Bool {
        skipWhitespace()
        if peek == UInt8(ascii: ",") {
            position += 1
            return true
        }
        guard peek == close else { throw malformed("expected ',' or '\(Character(Unicode.Scalar(close)))'") }
        position += 1
        return false
    }

    mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x0A, 0x0D, 0x09: position += 1
            default: return
            }
        }
    }

    func malformed(_ what: String) -> Failure {
        position >= bytes.count
            ? .malformed("not valid JSON: the payload ends early; \(what)")
            : .malformed("not valid JSON at byte \(position): \(what)")
    }

    /// What a JSON value starting with `byte` is, or `nil` when no JSON value starts so.
    static func kindName(_ byte: UInt8) -> String? {
        switch byte {
        case UInt8(ascii: "{"): "an object"
        case UInt8(ascii: "["): "an array"
        case UInt8(ascii: "\""): "a string"
        case UInt8(ascii: "t"), UInt8(ascii: "f"): "a boolean"
        case UInt8(ascii: "n"): "null"
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): "a number"
        default: nil
        }
    }
}
