/// The guard in front of libxml2: one linear pass over the raw bytes that refuses, before any XML
/// parser sees them, everything that could make the parser expand, fetch or re-decode content.
///
/// Why a byte scan and not a parser option: entity expansion (billion laughs), external entities
/// (XXE) and external DTDs all need a DOCTYPE, so a document without one has nothing for libxml2
/// to expand or fetch. The scan can only be trusted if libxml2 reads the same characters the scan
/// reads, so the scan also insists on UTF-8 — without NUL bytes (UTF-16/32 auto-detection needs them),
/// valid throughout (a UTF-16 BOM or EBCDIC is not) and without an encoding declaration other than
/// UTF-8 or US-ASCII (UTF-7 could spell `<!DOCTYPE` in bytes the scan would not recognise).
///
/// Rules, in the order they are met while scanning:
/// - a NUL byte, invalid UTF-8, or `encoding="…"` other than UTF-8/US-ASCII → `invalid_encoding`;
/// - `<!DOCTYPE` or `<!ENTITY` (any case) anywhere — even inside a comment or CDATA section, which
///   the scan refuses conservatively — and any other `<!` markup that is not a comment or CDATA
///   section → `malformed`;
/// - a processing instruction without data (`<?name?>`) → `malformed`: it crashes Foundation's
///   `XMLParser` on Linux (a NULL C string in swift-corelibs-foundation);
/// - a start tag with more than `maxAttributes` attributes (namespace declarations included) →
///   `limit_exceeded`: libxml2 checks duplicates pairwise, measured here at 160 ms for one 256 KiB
///   tag of 30,000 attributes, so the count is bounded before libxml2 starts.
enum XMLPreflight {
    /// Refuses `bytes` with a reason, or returns `nil` when they may go to the parser.
    static func check(_ bytes: [UInt8], maxAttributes: Int) -> DecodeFailure? {
        bytes.withUnsafeBufferPointer { scan($0, maxAttributes: maxAttributes) }
    }

    /// Where the scan is in the markup: enough to count a tag's attributes and to know a comment
    /// or CDATA section from text, no more.
    private enum State {
        case text
        /// Inside a start tag; `quote` is the open quote of an attribute value, or 0.
        case startTag(quote: UInt8, attributes: Int, start: Int)
        case endTag
        /// Inside a comment, CDATA section or processing instruction whose body starts at `body`.
        case comment(body: Int)
        case cdata(body: Int)
        case processingInstruction(body: Int)
    }

    private static func scan(_ bytes: UnsafeBufferPointer<UInt8>, maxAttributes: Int) -> DecodeFailure? {
        var state = State.text
        var nonASCII = false
        var index = hasUTF8BOM(bytes) ? 3 : 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0 {
                return DecodeFailure(.invalidEncoding, "the payload has a NUL byte at byte \(index); XML payloads must be UTF-8 text")
            }
            if byte >= 0x80 { nonASCII = true }
            if byte == ascii("<"), index + 1 < bytes.count, bytes[index + 1] == ascii("!") {
                if let failure = declarationFailure(bytes, at: index, inMarkup: !isText(state)) { return failure }
            }
            switch state {
            case .text:
                guard byte == ascii("<") else { break }
                let (next, opener) = markupState(bytes, at: index)
                if case .processingInstruction = next,
                   let failure = emptyInstructionFailure(bytes, at: index) ?? encodingFailure(bytes, at: index) {
                    return failure
                }
                state = next
                // Past the opener: its bytes are ASCII and hold no `<!` other than the one checked.
                index += opener
                continue
            case .startTag(let quote, let attributes, let start):
                if quote != 0 {
                    if byte == quote { state = .startTag(quote: 0, attributes: attributes, start: start) }
                } else if byte == ascii("\"") || byte == ascii("'") {
                    state = .startTag(quote: byte, attributes: attributes, start: start)
                } else if byte == ascii("=") {
                    if attributes + 1 > maxAttributes {
                        return DecodeFailure(.limitExceeded,
                            "the start tag at byte \(start) has more than xml.max_attributes (\(maxAttributes)) attributes (namespace declarations count)")
                    }
                    state = .startTag(quote: 0, attributes: attributes + 1, start: start)
                } else if byte == ascii(">") {
                    state = .text
                }
            case .endTag:
                if byte == ascii(">") { state = .text }
            case .comment(let body):
                if byte == ascii(">"), index >= body + 2, bytes[index - 1] == ascii("-"), bytes[index - 2] == ascii("-") { state = .text }
            case .cdata(let body):
                if byte == ascii(">"), index >= body + 2, bytes[index - 1] == ascii("]"), bytes[index - 2] == ascii("]") { state = .text }
            case .processingInstruction(let body):
                if byte == ascii(">"), index >= body + 1, bytes[index - 1] == ascii("?") { state = .text }
            }
            index += 1
        }
        return nonASCII ? utf8Failure(bytes) : nil
    }

    private static func isText(_ state: State) -> Bool {
        if case .text = state { return true }
        return false
    }

    /// The state after a `<` met in text, and the length of the opener that starts it.
    private static func markupState(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> (State, Int) {
        if starts(bytes, at: index, with: "<!--") { return (.comment(body: index + 4), 4) }
        if starts(bytes, at: index, with: "<![CDATA[") { return (.cdata(body: index + 9), 9) }
        if starts(bytes, at: index, with: "<?") { return (.processingInstruction(body: index + 2), 2) }
        if starts(bytes, at: index, with: "</") { return (.endTag, 2) }
        return (.startTag(quote: 0, attributes: 0, start: index), 1)
    }

    /// `<!` at `index`: a DOCTYPE or ENTITY anywhere, or any markup declaration in text, is refused.
    private static func declarationFailure(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int, inMarkup: Bool) -> DecodeFailure? {
        for keyword in ["DOCTYPE", "ENTITY"] where startsCaseInsensitive(bytes, at: index + 2, with: keyword) {
            return DecodeFailure(.malformed,
                "DOCTYPE and entity declarations are refused before parsing (found '<!\(keyword)' at byte \(index)\(inMarkup ? ", inside a comment, CDATA section or tag" : ""))")
        }
        if inMarkup || starts(bytes, at: index, with: "<!--") || starts(bytes, at: index, with: "<![CDATA[") { return nil }
        return DecodeFailure(.malformed,
            "DOCTYPE and entity declarations are refused before parsing (found a '<!' declaration at byte \(index); only comments and CDATA sections may start with '<!')")
    }

    /// `<?name?>` at `index`: libxml2 reports a processing instruction without data with a NULL
    /// pointer, which Foundation's `XMLParser` on Linux (swift-corelibs-foundation) reads as a
    /// C string — a segmentation fault of the whole daemon, found by fuzzing. Any other
    /// instruction (`<?xml-stylesheet href="…"?>`, `<?name ?>`) is harmless and let through.
    private static func emptyInstructionFailure(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> DecodeFailure? {
        var end = index + 2
        while end < bytes.count, !isSpace(bytes[end]), bytes[end] != ascii("?") { end += 1 }
        guard end + 1 < bytes.count, bytes[end] == ascii("?"), bytes[end + 1] == ascii(">") else { return nil }
        return DecodeFailure(.malformed,
            "a processing instruction without data ('\(String(decoding: bytes[index..<(end + 2)].prefix(40), as: UTF8.self))' at byte \(index)) is refused before parsing: Foundation's XMLParser cannot handle one")
    }

    /// `<?…` at `index`: when it is the XML declaration, its encoding must be UTF-8 or US-ASCII.
    private static func encodingFailure(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> DecodeFailure? {
        guard startsCaseInsensitive(bytes, at: index + 2, with: "xml"), index + 5 < bytes.count,
              isSpace(bytes[index + 5]) || bytes[index + 5] == ascii("?") else { return nil }
        var end = index + 5
        while end + 1 < bytes.count, !(bytes[end] == ascii("?") && bytes[end + 1] == ascii(">")) { end += 1 }
        var cursor = index + 5
        while cursor < end, !startsCaseInsensitive(bytes, at: cursor, with: "encoding") { cursor += 1 }
        guard cursor < end else { return nil }
        cursor += "encoding".utf8.count
        while cursor < end, isSpace(bytes[cursor]) || bytes[cursor] == ascii("=") { cursor += 1 }
        guard cursor < end, bytes[cursor] == ascii("\"") || bytes[cursor] == ascii("'") else {
            return DecodeFailure(.invalidEncoding, "the XML declaration's encoding cannot be read; XML payloads must be UTF-8")
        }
        let quote = bytes[cursor]
        var close = cursor + 1
        while close < end, bytes[close] != quote { close += 1 }
        let name = String(decoding: bytes[(cursor + 1)..<close], as: UTF8.self)
        guard !["utf-8", "utf8", "us-ascii", "ascii"].contains(name.lowercased()) else { return nil }
        return DecodeFailure(.invalidEncoding,
            "the XML declaration says encoding \"\(name.prefix(40))\"; XML payloads must be UTF-8 (or US-ASCII)")
    }

    private static func utf8Failure(_ bytes: UnsafeBufferPointer<UInt8>) -> DecodeFailure? {
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var offset = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded): offset += encoded.count
            case .emptyInput: return nil
            case .error:
                return DecodeFailure(.invalidEncoding, "the payload is not valid UTF-8 (at byte \(offset)); XML payloads must be UTF-8")
            }
        }
    }

    private static func hasUTF8BOM(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF
    }

    private static func starts(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int, with prefix: StaticString) -> Bool {
        let count = prefix.utf8CodeUnitCount
        guard index + count <= bytes.count else { return false }
        let start = prefix.utf8Start
        for offset in 0..<count where bytes[index + offset] != start[offset] { return false }
        return true
    }

    private static func startsCaseInsensitive(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int, with keyword: String) -> Bool {
        var position = index
        for expected in keyword.utf8 {
            guard position < bytes.count, bytes[position] | 0x20 == expected | 0x20 else { return false }
            position += 1
        }
        return true
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    @inline(__always) private static func ascii(_ scalar: Unicode.Scalar) -> UInt8 { UInt8(scalar.value) }
}
