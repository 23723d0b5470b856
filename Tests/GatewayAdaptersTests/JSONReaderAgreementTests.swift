import Foundation
import GatewayCore
import Testing
@testable import GatewayAdapters

/// The json format's own reader (`JSONReader` on `JSONTokenizer`) against Foundation's
/// `JSONSerialization`, which the format used before: on inputs where hand-written parsers often go
/// wrong and on seeded random documents (valid ones, and the same with a byte changed), both must
/// accept the same texts and give the same trees. Numbers may differ by Foundation's rounding on
/// its decimal path (17+ digits, a few ulps); ours are the correctly rounded `Double`.
@Suite struct JSONReaderAgreementTests {
    /// What the adapter reads from `bytes`: `nil` when it is not UTF-8 JSON.
    static func ours(_ bytes: [UInt8]) -> JSONValue? {
        bytes.withUnsafeBufferPointer { buffer in
            guard UTF8Check.isValid(buffer) else { return nil }
            return try? JSONReader.read(buffer, maxDepth: 512)
        }
    }

    static func foundation(_ bytes: [UInt8]) -> JSONValue? {
        (try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])).map(JSONValue.init(foundation:))
    }

    /// Same tree, objects compared by key with the last of duplicate keys winning (Foundation's
    /// dictionaries keep no order), numbers equal in sign and within 1e-14 relative.
    static func agree(_ a: JSONValue, _ b: JSONValue) -> Bool {
        switch (a, b) {
        case (.object(let x), .object(let y)):
            let left = Dictionary(x.map { ($0.key, $0.value) }, uniquingKeysWith: { $1 })
            let right = Dictionary(y.map { ($0.key, $0.value) }, uniquingKeysWith: { $1 })
            return left.count == right.count && left.allSatisfy { key, value in right[key].map { agree(value, $0) } ?? false }
        case (.array(let x), .array(let y)):
            return x.count == y.count && zip(x, y).allSatisfy { agree($0, $1) }
        case (.number(let x), .number(let y)):
            return x.sign == y.sign && (x == y || abs(x - y) <= 1e-14 * max(abs(x), abs(y)))
        default:
            return a == b
        }
    }

    static func check(_ bytes: [UInt8], _ label: @autoclosure () -> String, sourceLocation: SourceLocation = #_sourceLocation) {
        // What Foundation may read as UTF-16 or UTF-32 the adapter leaves to Foundation.
        if JSONAdapter.mayBeWideEncoding(bytes) { return }
        let expected = foundation(bytes)
        let actual = ours(bytes)
        switch (expected, actual) {
        case (nil, nil): return
        case (let expected?, let actual?):
            #expect(agree(expected, actual), "\(label()): Foundation \(expected), ours \(actual)", sourceLocation: sourceLocation)
        default:
            Issue.record("\(label()): Foundation says \(expected == nil ? "invalid" : "valid"), ours \(actual == nil ? "invalid" : "valid")",
                         sourceLocation: sourceLocation)
        }
    }

    @Test(arguments: [
        "{}", "[]", " [ ] ", "{\"a\":1,}", "[1,]", "[,1]", "[,]", "{,}", "[1,,]", "{\"a\":1,,}", "[{},]", "[{\"a\":[1,],},]",
        "[01]", "[1.]", "[.5]", "[-]", "[+1]", "[1e]", "[1e5]", "[1E+2]", "[-0.0e-0]", "-0", "-0.0", "-0e0", "0", "1.0",
        "1764230400123", "9007199254740993", "12345678901234567890", "123456789012345678901234567890", "-9223372036854775808",
        "18446744073709551616", "106.90990079388773", "-2.6497228473601303e-17", "0.30000000000000004", "1e400", "-1e400",
        "[1e400]", "{\"a\":1e400,\"a\":1}", "{\"a\":1,\"a\":1e400}", "[{\"a\":{\"b\":[-1e999]},\"a\":2}]",
        "{\"a\":1e400,\"b\":1,\"a\":[1e400]}", "1e-400", "4.9e-324", "2.4e-324", "1.7976931348623157e308", "1.8e308", "1e22", "1e23", "123.456e-5",
        "\"\\x\"", "\"\\u12\"", "\"\\u12G4\"", "\"a\u{01}\"", "\"\t\"", "\"\\ud83d\\ude00\"", "\"\\ud800\"", "\"\\udc00\"",
        "\"\\ud800x\"", "\"\\ud800\\u0041\"", "\"\\u0000\"", "\"\\/\\b\\f\\n\\r\\t\\\"\\\\\"", "\"\\u00e9\\u00E9é€𝄞\"",
        "{\"\\u0061\":1}", "{\"a\":1,\"a\":2}", "{\"a\":{\"b\":1},\"a\":3}", "{\"a\" 1}", "{\"a\":1", "{1:2}", "{\"a\":}",
        "tru", "true", "false", "null", "nul", "[true false]", "[1 2]", "[1] x", "[1]\u{0}", "{\"n\":\"a\"}{}", "NaN",
        "Infinity", "-Infinity", "", " ", "\t[1]\r\n", "[\"\u{0B}\"]", "\u{FEFF}{}", "\u{FEFF} {}", " \u{FEFF}{}", "\u{FEFF}",
        "[[[]]]", "{\"a\":{\"b\":[1,2,{\"c\":\"d\"}]}}", "\"just a string\"", "[\"\u{7F}\"]", "\u{0C}[]", "[1]\u{0C}",
    ])
    func agreesWithFoundationOnTrickyInputs(_ json: String) {
        Self.check(Array(json.utf8), json.debugDescription)
    }

    @Test func agreesWithFoundationOnBrokenUTF8() {
        for bytes: [UInt8] in [[0x22, 0xE9, 0x22], [0x22, 0xC0, 0xAF, 0x22], [0x22, 0xED, 0xA0, 0x80, 0x22], [0x5B, 0x80, 0x5D],
                               [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], [0x22, 0xE2, 0x82, 0x22]] {
            Self.check(bytes, "\(bytes)")
        }
    }

    /// Seeded random documents: every one as written, then with one byte deleted, duplicated or
    /// replaced by a byte that matters to JSON.
    @Test(arguments: [UInt64(1), 2, 3])
    func agreesWithFoundationOnRandomDocuments(seed: UInt64) {
        var random = SeededGenerator(seed: seed)
        let specials = Array("{}[]\",:\\.-+eE0u \t\n".utf8) + [0x00, 0x1F, 0xC3, 0xA9, 0xFF]
        var valid = 0
        for index in 0..<1500 {
            var text = ""
            Self.randomValue(&random, depth: 0, into: &text)
            let bytes = Array(text.utf8)
            Self.check(bytes, "seed \(seed) #\(index): \(text.debugDescription)")
            if Self.foundation(bytes) != nil { valid += 1 }
            var broken = bytes
            let at = random.below(broken.count)
            switch random.below(3) {
            case 0: broken.remove(at: at)
            case 1: broken.insert(broken[at], at: at)
            default: broken[at] = specials[random.below(specials.count)]
            }
            Self.check(broken, "seed \(seed) #\(index) changed: \(String(decoding: broken, as: UTF8.self).debugDescription)")
        }
        #expect(valid > 1400, "the generator should write valid JSON nearly always")
    }

    static func randomValue(_ random: inout SeededGenerator, depth: Int, into text: inout String) {
        space(&random, into: &text)
        switch random.below(depth > 4 ? 5 : 8) {
        case 0: text += ["true", "false", "null"][random.below(3)]
        case 1, 2: text += number(&random)
        case 3, 4: text += string(&random)
        case 5, 6:
            text += "{"
            let count = random.below(5)
            for i in 0..<count {
                space(&random, into: &text)
                // Few distinct keys, so that duplicates happen.
                text += random.below(3) == 0 ? string(&random) : "\"k\(random.below(4))\""
                space(&random, into: &text)
                text += ":"
                randomValue(&random, depth: depth + 1, into: &text)
                if i < count - 1 || random.below(8) == 0 { text += "," }
            }
            space(&random, into: &text)
            text += "}"
        default:
            text += "["
            let count = random.below(5)
            for i in 0..<count {
                randomValue(&random, depth: depth + 1, into: &text)
                if i < count - 1 || random.below(8) == 0 { text += "," }
            }
            space(&random, into: &text)
            text += "]"
        }
        space(&random, into: &text)
    }

    static func space(_ random: inout SeededGenerator, into text: inout String) {
        if random.below(4) == 0 { text += [" ", "\t", "\n", "\r\n", "  "][random.below(5)] }
    }

    static func digits(_ random: inout SeededGenerator, _ count: Int) -> String {
        String((0..<count).map { _ in Character(String(random.below(10))) })
    }

    static func number(_ random: inout SeededGenerator) -> String {
        var text = random.below(3) == 0 ? "-" : ""
        let integer = digits(&random, 1 + random.below(random.below(4) == 0 ? 25 : 6))
        text += integer.count > 1 && integer.first == "0" ? "1" + integer.dropFirst() : integer
        if random.below(2) == 0 { text += "." + digits(&random, 1 + random.below(random.below(4) == 0 ? 20 : 4)) }
        if random.below(4) == 0 {
            text += ["e", "E"][random.below(2)] + ["", "+", "-"][random.below(3)] + String(random.below(random.below(4) == 0 ? 330 : 30))
        }
        return text
    }

    static func string(_ random: inout SeededGenerator) -> String {
        let pieces = ["a", "Z", "0", " ", "é", "€", "𝄞", "水", "\\\"", "\\\\", "\\/", "\\b", "\\f", "\\n", "\\r", "\\t",
                      "\\u0041", "\\u00e9", "\\u20AC", "\\ud834\\udd1e", "\\u0000", "\\uFFFF", "[", "}", ",", ":"]
        return "\"" + (0..<random.below(8)).map { _ in pieces[random.below(pieces.count)] }.joined() + "\""
    }

    // MARK: through the adapter

    @Test func quarantineReasonsStayTheSame() throws {
        let decoder = try decoder([waterRoute()])
        func reasons(_ bytes: [UInt8]) -> [QuarantineReason] {
            decoder.decode(InboundMessage(topic: "utilities/water/north/wm-0001/telemetry", payload: bytes, qos: 1, retain: false,
                                          receivedAt: 1_800_000_000_000)).quarantined.map(\.reason)
        }
        #expect(reasons(Array(#"{"ts":1,"pressure":1e400,"flow":1}"#.utf8)) == [.malformed])
        #expect(reasons(Array(#"{"ts":1,"pressure":1,"flow":1,}"#.utf8)) == [])
        #expect(reasons([0xEF, 0xBB, 0xBF] + Array(#"{"ts":1,"pressure":1,"flow":1}"#.utf8)) == [])
        // Latin-1 'é' (E9) inside a string.
        #expect(reasons(Array(#"{"ts":1,"pressure":"#.utf8) + [0x22, 0xE9, 0x22] + Array(#","flow":1}"#.utf8)) == [.invalidEncoding])
        #expect(reasons(Array(#"{"ts":1,"pressure":1e400,"pressure":2,"flow":1}"#.utf8)) == [])
        #expect(reasons(Array("null".utf8)) == [.wrongType])
        #expect(reasons(Array("42".utf8)) == [.wrongType])
        #expect(reasons(Array("".utf8)) == [.malformed])
        #expect(reasons(Array(#"{"ts":1,"pressure":1,"pressure":2,"flow":1}"#.utf8)) == [])
    }

    /// Foundation reads UTF-16 and UTF-32 JSON; the adapter still hands such payloads to it.
    @Test func wideEncodingsStillDecode() throws {
        let json = #"{"ts":1764230400123,"pressure":412.5,"flow":12.25}"#
        for encoding: String.Encoding in [.utf16LittleEndian, .utf16BigEndian, .utf16, .utf32LittleEndian] {
            let payload = try #require(json.data(using: encoding))
            let result = try decoder([waterRoute()]).decode(
                InboundMessage(topic: "utilities/water/north/wm-0001/telemetry", payload: Array(payload), qos: 1, retain: false,
                               receivedAt: 1_800_000_000_000))
            #expect(result.quarantined.isEmpty, "\(encoding)")
            #expect(result.readings.map(\.value) == [412.5, 12.25], "\(encoding)")
        }
    }

    @Test func largeIntegersAreExactAndNegativeZeroIntegerHasNoSign() {
        #expect(Self.ours(Array("1764230400123".utf8)) == .number(1_764_230_400_123))
        #expect(Self.ours(Array("-0".utf8)).map { if case .number(let n) = $0 { n.sign == .plus } else { false } } == true)
        #expect(Self.ours(Array("-0.0".utf8)).map { if case .number(let n) = $0 { n.sign == .minus } else { false } } == true)
        #expect(Self.ours(Array("106.90990079388773".utf8)) == .number(106.90990079388773))
    }
}
